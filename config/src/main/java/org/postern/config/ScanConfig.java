package org.postern.config;

import static org.postern.config.Checks.between;
import static org.postern.config.Checks.orDefault;

import java.time.Duration;

/**
 * How long each SMTP stage may wait for its checks (DNS lookups, SPF, DKIM, Bayes) before the checks that have not
 * answered count as temperror and the message continues. YAML key {@code scan}. Each budget is 1ms..10m; a null
 * component means its default.
 *
 * @param connectBudget      CONNECT stage (IP blocklists); default 2s
 * @param heloBudget         HELO stage (HELO-name blocklists); default 2s
 * @param mailBudget         MAIL FROM stage (SPF, sender blocklists, local lists); default 5s
 * @param rcptBudget         RCPT TO stage (greylisting, early verdict); default 10s
 * @param endOfMessageBudget end-of-message stage (DKIM, DMARC, Bayes, signing); default 60s. Keep it below Postfix's
 *                           {@code milter_content_timeout} (300s).
 * @throws IllegalArgumentException if a budget is out of range; the message names the YAML key
 */
public record ScanConfig(Duration connectBudget, Duration heloBudget, Duration mailBudget, Duration rcptBudget,
        Duration endOfMessageBudget) {

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofMinutes(10);

    // Last: the constructor it calls reads the constants above.
    static final ScanConfig DEFAULTS = new ScanConfig(null, null, null, null, null);

    public ScanConfig {
        connectBudget = between("connect_budget", orDefault(connectBudget, Duration.ofSeconds(2)), MIN, MAX);
        heloBudget = between("helo_budget", orDefault(heloBudget, Duration.ofSeconds(2)), MIN, MAX);
        mailBudget = between("mail_budget", orDefault(mailBudget, Duration.ofSeconds(5)), MIN, MAX);
        rcptBudget = between("rcpt_budget", orDefault(rcptBudget, Duration.ofSeconds(10)), MIN, MAX);
        endOfMessageBudget = between("end_of_message_budget", orDefault(endOfMessageBudget, Duration.ofSeconds(60)),
                MIN, MAX);
    }
}
