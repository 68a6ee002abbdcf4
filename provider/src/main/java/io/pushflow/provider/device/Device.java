package io.pushflow.provider.device;

/** One device to push to: its APNs or FCM registration token and the language its texts are chosen by (may be null). */
public record Device(String token, String language) {}
