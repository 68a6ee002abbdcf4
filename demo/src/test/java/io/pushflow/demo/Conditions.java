package io.pushflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.tools.AdminApi;

/** What the end-to-end tests expect of the admin service's answers (they wait with Awaitility). */
final class Conditions {

    private Conditions() {}

    /** The answer, when its status is {@code expected}; else the test fails with the answer's body. */
    static AdminApi.Reply ok(AdminApi.Reply r, int expected) {
        assertThat(r.status()).as(r.text()).isEqualTo(expected);
        return r;
    }
}
