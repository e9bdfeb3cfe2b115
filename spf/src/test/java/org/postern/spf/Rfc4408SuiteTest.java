package org.postern.spf;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The older OpenSPF RFC 4408 suite ({@code ../shared/testdata/spf/rfc4408-tests.yml}, 15 scenarios, 191
 * cases), extra coverage; its expected results already accept RFC 7208 behaviour where the RFCs differ.
 */
class Rfc4408SuiteTest {

    /**
     * Cases that cannot pass, by case name, with the reason. Empty: every case passes. A case listed here that
     * fails is reported as aborted with its reason, never silently skipped.
     */
    static final Map<String, String> KNOWN_DEVIATIONS = Map.of();

    private static SpfSuite suite;

    @BeforeAll
    static void startServer() throws Exception {
        suite = new SpfSuite("rfc4408-tests.yml", "RFC 4408 suite", KNOWN_DEVIATIONS);
    }

    @AfterAll
    static void printSummary() {
        System.out.println(suite.summary());
        suite.close();
    }

    @TestFactory
    Stream<DynamicTest> rfc4408() {
        return suite.tests();
    }
}
