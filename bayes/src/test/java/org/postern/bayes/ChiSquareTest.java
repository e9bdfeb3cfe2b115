package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChiSquareTest {

    @Test
    void matchesClosedFormsForSmallDegreesOfFreedom() {
        assertThat(ChiSquare.q(0, 2)).isEqualTo(1.0);
        assertThat(ChiSquare.q(0, 300)).isEqualTo(1.0);
        assertThat(ChiSquare.q(2, 2)).isCloseTo(Math.exp(-1), within(1e-15));           // e^-m, m = 1
        assertThat(ChiSquare.q(4, 4)).isCloseTo(3 * Math.exp(-2), within(1e-15));       // e^-2 (1 + 2)
        assertThat(ChiSquare.q(6, 6)).isCloseTo(8.5 * Math.exp(-3), within(1e-15));     // e^-3 (1 + 3 + 9/2)
    }

    @Test
    void matchesStatisticalTables() {
        // Upper critical values of the chi-square distribution (NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
        assertThat(ChiSquare.q(5.991, 2)).isCloseTo(0.05, within(1e-4));
        assertThat(ChiSquare.q(13.277, 4)).isCloseTo(0.01, within(1e-4));
        assertThat(ChiSquare.q(18.307, 10)).isCloseTo(0.05, within(1e-4));
        assertThat(ChiSquare.q(124.342, 100)).isCloseTo(0.05, within(1e-4));
        // The median of chi-square(v) is about v(1 - 2/(9v))^3.
        assertThat(ChiSquare.q(299.33, 300)).isCloseTo(0.5, within(1e-3));
    }

    @Test
    void underflowsToZeroForHugeStatistics() {
        assertThat(ChiSquare.q(5000, 300)).isEqualTo(0.0);
    }

    @Test
    void rejectsOddDegreesOfFreedomAndNegativeStatistics() {
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.q(1, 3));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.q(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.q(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.q(Double.NaN, 2));
    }
}
