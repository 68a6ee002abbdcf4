package io.pushflow.admin.security;

import java.util.List;

/**
 * The roles of the API: viewers read, marketers also create, edit and launch, admins do everything. {@link #APP} is
 * the app's (an app key's): it posts engagement events and nothing else, and no configured user can have it.
 */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String MARKETER = "marketer";
    public static final String VIEWER = "viewer";
    public static final List<String> ALL = List.of(ADMIN, MARKETER, VIEWER);
    public static final String APP = "app";

    private Roles() {}
}
