package io.pushflow.admin.security;

import java.util.List;

/** The roles of the API: viewers read, marketers also create, edit and launch, admins do everything. */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String MARKETER = "marketer";
    public static final String VIEWER = "viewer";
    public static final List<String> ALL = List.of(ADMIN, MARKETER, VIEWER);

    private Roles() {
    }
}
