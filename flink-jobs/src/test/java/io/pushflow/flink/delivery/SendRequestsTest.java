package io.pushflow.flink.delivery;

import static io.pushflow.core.user.DeviceTokenKind.APNS;
import static io.pushflow.core.user.DeviceTokenKind.FCM;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.provider.PushMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SendRequestsTest {

    static final CampaignRules RULES = DeliveryGateTest.rules(7, 1, CampaignRules.Status.RUNNING);

    static List<SendRequest> build(String base, Recipients to) {
        List<SendRequest> out = new ArrayList<>();
        SendRequests.build(base, RULES, to, out::add);
        return out;
    }

    @Test
    void direct_recipients_go_out_per_service_then_per_text_language_named_by_both() {
        Recipients to = new Recipients(
                "7-1-A-0",
                1,
                "A",
                new long[] {1, 2, 3, 4},
                new String[] {"a1", "f2", "a3", "f4"},
                new String[] {"pt", "en-GB", "de", "pt_BR"},
                new DeviceTokenKind[] {APNS, FCM, APNS, FCM});
        assertThat(build("7-1-A-0", to))
                .extracting(r -> r.requestId + "=" + Arrays.toString(r.userIds) + Arrays.toString(r.pushTokens))
                .containsExactly(
                        "7-1-A-0:A:pt:apns=[1][a1]",
                        "7-1-A-0:A:en:apns=[3][a3]",
                        "7-1-A-0:A:en:fcm=[2][f2]",
                        "7-1-A-0:A:pt:fcm=[4][f4]");
    }

    @Test
    void a_language_with_more_recipients_than_a_request_takes_is_split_into_numbered_parts() {
        int n = PushMessage.MAX_RECIPIENTS + 1;
        long[] ids = LongStream.rangeClosed(1, n).toArray();
        String[] tokens = Arrays.stream(ids).mapToObj(id -> "sub-" + id).toArray(String[]::new);
        String[] locales = new String[n];
        Arrays.fill(locales, "en");
        List<SendRequest> out = build("7-1-A-0@3600000", new Recipients("7-1-A-0", 1, "A", ids, tokens, locales, null));
        assertThat(out)
                .extracting(r -> r.requestId + "=" + r.userIds.length + ":" + r.channel)
                .containsExactly(
                        "7-1-A-0@3600000:A:en=" + PushMessage.MAX_RECIPIENTS + ":null",
                        "7-1-A-0@3600000:A:en:1=1:null");
        assertThat(out.get(1).userIds).containsExactly(n);
        assertThat(out.get(1).pushTokens).containsExactly("sub-" + n);
        assertThat(out).allSatisfy(r -> assertThat(r.batchId).isEqualTo("7-1-A-0"));
    }

    @Test
    void deferred_recipients_keep_their_services_through_the_queue_s_stored_form() {
        Recipients to = new Recipients(
                "7-1-A-0",
                2,
                "A",
                new long[] {1, 2},
                new String[] {"a1", "f2"},
                new String[] {"pt", null},
                new DeviceTokenKind[] {APNS, FCM});
        DeferredSends stored = to.deferredUntil(7, 3_600_000);
        assertThat(stored.services).containsExactly("apns", "fcm");
        assertThat(stored.notBeforeMillis).isEqualTo(3_600_000);
        Recipients back = Recipients.of(stored);
        assertThat(back.services()).containsExactly(APNS, FCM);
        assertThat(back.userIds()).containsExactly(1, 2);
        assertThat(back.wave()).isEqualTo(2);
    }
}
