package io.pushflow.flink;

import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.delivery.CampaignRules;
import io.pushflow.flink.delivery.DecidedUsers;
import io.pushflow.flink.delivery.DeferredSends;
import io.pushflow.flink.delivery.DeliveryEvent;
import io.pushflow.flink.delivery.GateControl;
import io.pushflow.flink.delivery.GateInput;
import io.pushflow.flink.delivery.Later;
import io.pushflow.flink.delivery.Outcomes;
import io.pushflow.flink.delivery.SendHour;
import io.pushflow.flink.delivery.SendReport;
import io.pushflow.flink.delivery.SendRequest;
import io.pushflow.flink.delivery.UserDelta;
import io.pushflow.flink.dispatch.Allocation;
import io.pushflow.flink.dispatch.CampaignControl;
import io.pushflow.flink.dispatch.Completion;
import io.pushflow.flink.dispatch.DispatchEvent;
import io.pushflow.flink.dispatch.PlanState;
import io.pushflow.flink.dispatch.VariantFeedback;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.flink.status.EngagementEvent;
import io.pushflow.flink.status.FeedbackState;
import io.pushflow.flink.status.PollState;
import io.pushflow.flink.status.RewardRule;
import io.pushflow.flink.status.StatusEvent;
import io.pushflow.flink.status.VariantDelta;
import io.pushflow.flink.status.VariantTotals;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type the jobs keep in state or pass between operators is serialized by Flink's POJO serializer, with no
 * Kryo anywhere inside: the jobs run with generic types disabled, and only POJO state evolves when a field is added.
 */
class PojoTypesTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                PlanState.class,
                OutboxBatch.class,
                CampaignRules.class,
                DecidedUsers.class,
                SendHour.class,
                UserDelta.class,
                DeferredSends.class,
                EngagementEvent.class,
                FeedbackState.class,
                PollState.class,
                RewardRule.class
            })
    void state_types_are_pojos(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                DispatchEvent.class,
                CampaignControl.class,
                VariantFeedback.class,
                Completion.class,
                Allocation.class,
                DeliveryEvent.class,
                GateInput.class,
                GateControl.class,
                Later.class,
                SendRequest.class,
                SendReport.class,
                Outcomes.class,
                ProviderNotification.class,
                StatusEvent.class,
                VariantDelta.class,
                VariantTotals.class,
                AmqpMessage.class
            })
    void event_types_are_pojos(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
}
