package org.postern.bayes;

/** The chi-square survival function for even degrees of freedom, the only case Fisher's method needs. */
final class ChiSquare {

    private ChiSquare() {
    }

    /**
     * Q(x2 | v) = P(χ² ≥ x2) with {@code v} degrees of freedom, {@code v} even. For even v this is the Poisson sum
     * e^(−m) Σ_{i<v/2} m^i / i! with m = x2/2 (Abramowitz & Stegun 26.4.21; SpamBayes {@code chi2Q}), exact up to
     * rounding and without special functions. Clamped to 1 because the rounded sum can exceed it by an ulp. For very
     * large x2, e^(−m) underflows to 0, which is the right answer to double precision.
     *
     * @throws IllegalArgumentException if v is odd or not positive, or x2 is negative or NaN
     */
    static double q(double x2, int v) {
        if (v <= 0 || (v & 1) != 0) {
            throw new IllegalArgumentException("degrees of freedom must be even and positive but were " + v);
        }
        if (!(x2 >= 0.0)) {
            throw new IllegalArgumentException("chi-square must not be negative but was " + x2);
        }
        double m = x2 / 2.0;
        double term = Math.exp(-m);
        double sum = term;
        for (int i = 1; i < v / 2; i++) {
            term *= m / i;
            sum += term;
        }
        return Math.min(sum, 1.0);
    }
}
