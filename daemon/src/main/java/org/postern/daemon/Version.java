package org.postern.daemon;

/** The product name and version, as written in headers and logs. */
public final class Version {
    private Version() {}

    /** {@code Postern 0.1.0-SNAPSHOT}: from the jar manifest, or {@code Postern dev} when run from classes. */
    public static final String CURRENT = "Postern " + implementationVersion();

    private static String implementationVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
