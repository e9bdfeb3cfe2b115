package org.postern.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Figures of a spam classifier's scores against the truth: ROC AUC, spam caught at a false-positive budget, errors. */
final class Scores {

    private Scores() {
    }

    /**
     * The ROC AUC: the probability that a random spam scores above a random ham, ties counting half
     * (Mann–Whitney U over the ranks).
     */
    static double auc(double[] score, boolean[] spam) {
        Integer[] order = IntStream.range(0, score.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
        double rankSumSpam = 0;
        long nSpam = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && score[order[j + 1]] == score[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;                      // average rank of the tied run
            for (int k = i; k <= j; k++) {
                if (spam[order[k]]) {
                    rankSumSpam += rank;
                    nSpam++;
                }
            }
            i = j + 1;
        }
        long nHam = score.length - nSpam;
        return (rankSumSpam - nSpam * (nSpam + 1) / 2.0) / ((double) nSpam * nHam);
    }

    /**
     * The share of spam scored strictly above the threshold that lets through at most {@code maxFpRate} of the ham
     * (the lowest threshold with at most floor(maxFpRate × ham) ham above it).
     */
    static double caughtAtFpRate(double[] score, boolean[] spam, double maxFpRate) {
        double threshold = thresholdAtFpRate(score, spam, maxFpRate);  // spam must score above this ham score
        long caught = IntStream.range(0, score.length).filter(i -> spam[i] && score[i] > threshold).count();
        long nSpam = IntStream.range(0, score.length).filter(i -> spam[i]).count();
        return (double) caught / nSpam;
    }

    /** The lowest ham score that at most floor(maxFpRate × ham) ham exceed: the threshold for that budget. */
    static double thresholdAtFpRate(double[] score, boolean[] spam, double maxFpRate) {
        double[] ham = IntStream.range(0, score.length).filter(i -> !spam[i]).mapToDouble(i -> score[i]).sorted()
                .toArray();
        return ham[ham.length - 1 - (int) Math.floor(maxFpRate * ham.length)];
    }

    static long falsePositives(double[] score, boolean[] spam, double threshold) {
        return IntStream.range(0, score.length).filter(i -> !spam[i] && score[i] >= threshold).count();
    }

    static long falseNegatives(double[] score, boolean[] spam, double threshold) {
        return IntStream.range(0, score.length).filter(i -> spam[i] && score[i] < threshold).count();
    }

    static String summary(double[] score, boolean[] spam) {
        return String.format("AUC %.5f  caught@0.1%%FP %.1f%% (p > %.4f)  "
                + "FP/FN@0.5 %d/%d  FP/FN@0.9 %d/%d  FP/FN@0.99 %d/%d",
                auc(score, spam), 100 * caughtAtFpRate(score, spam, 0.001), thresholdAtFpRate(score, spam, 0.001),
                falsePositives(score, spam, 0.5), falseNegatives(score, spam, 0.5),
                falsePositives(score, spam, 0.9), falseNegatives(score, spam, 0.9),
                falsePositives(score, spam, 0.99), falseNegatives(score, spam, 0.99));
    }
}
