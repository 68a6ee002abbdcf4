package io.pushflow.flink.delivery;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.provider.PushMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The provider requests for recipients of one variant, the gate's due ones and the quiet-hours queue's alike: one group
 * per service their tokens belong to (OneSignal, or APNs and FCM for a direct campaign), in each one request per text
 * language (a recipient's locale picks it) of at most {@link PushMessage#MAX_RECIPIENTS}, each named from
 * {@code requestBase} (the batch, and the moment for deferred recipients) so a replay builds the same requests.
 */
final class SendRequests {

    private SendRequests() {}

    static void build(String requestBase, CampaignRules rules, Recipients to, Consumer<SendRequest> out) {
        CampaignRules.VariantTexts texts = rules.variant(to.variant());
        Map<DeviceTokenKind, List<Integer>> byService = new LinkedHashMap<>();
        IntStream.range(0, to.size())
                .forEach(i -> byService
                        .computeIfAbsent(to.services() == null ? null : to.services()[i], k -> new ArrayList<>())
                        .add(i));
        byService.forEach((service, rows) -> perText(requestBase, rules, texts, to.select(rows), service, out));
    }

    private static void perText(
            String requestBase,
            CampaignRules rules,
            CampaignRules.VariantTexts texts,
            Recipients to,
            DeviceTokenKind direct,
            Consumer<SendRequest> out) {
        Map<Integer, List<Integer>> byText = new LinkedHashMap<>();
        Map<String, Integer> textOfLocale = new HashMap<>();
        for (int i = 0; i < to.size(); i++) {
            int text = textOfLocale.computeIfAbsent(to.locales()[i] == null ? "" : to.locales()[i], texts::textFor);
            byText.computeIfAbsent(text, t -> new ArrayList<>()).add(i);
        }
        byText.forEach((text, rows) -> {
            for (int from = 0, part = 0; from < rows.size(); from += PushMessage.MAX_RECIPIENTS, part++) {
                Recipients slice =
                        to.select(rows.subList(from, Math.min(rows.size(), from + PushMessage.MAX_RECIPIENTS)));
                out.accept(SendRequest.of(
                        requestBase,
                        part,
                        rules,
                        texts,
                        text,
                        to.wave(),
                        to.batchId(),
                        slice.userIds(),
                        slice.tokens(),
                        direct));
            }
        });
    }
}
