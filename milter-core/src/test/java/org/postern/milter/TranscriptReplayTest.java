package org.postern.milter;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every transcript in {@code src/test/resources/transcripts/} (hand-written ones and golden ones recorded from
 * real Postfix): each line through the real codec, then the whole conversation through a {@link MilterSession}
 * whose filter gives the recorded answers. Any change in our bytes, or in which events we answer, shows up here.
 */
class TranscriptReplayTest {

    static Stream<Path> transcripts() throws IOException, URISyntaxException {
        Path dir = Path.of(TranscriptReplayTest.class.getResource("/transcripts").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
            assertThat(found).as("transcripts in " + dir).isNotEmpty();
            return found.stream();
        }
    }

    /** Each {@code >} line: encoder bytes, MilterCommandDecoder, the same command and line; likewise {@code <}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void everyLineSurvivesTheCodec(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        List<Transcript.Entry> entries = Transcript.parse(lines);
        for (int i = 0; i < entries.size(); i++) {
            Transcript.Entry entry = entries.get(i);
            String line = lines.get(i);
            assertEquals(line, Transcript.format(entry), "line is in canonical form");
            if (entry instanceof Transcript.Command command) {
                EmbeddedChannel ch = new EmbeddedChannel(new MilterCommandDecoder(MilterLimits.DEFAULT));
                ch.writeInbound(Unpooled.wrappedBuffer(MilterCommandEncoder.frame(command.command())));
                MilterCommand decoded = ch.readInbound();
                assertEquals(command.command(), decoded, line);
                assertEquals(line, Transcript.format(decoded));
                assertFalse(ch.finish());
            } else if (entry instanceof Transcript.Reply reply) {
                EmbeddedChannel out = new EmbeddedChannel(MilterReplyEncoder.INSTANCE);
                out.writeOutbound(reply.reply());
                ByteBuf bytes = out.readOutbound();
                EmbeddedChannel in = new EmbeddedChannel(new MilterReplyDecoder());
                in.writeInbound(bytes);
                MilterReply decoded = in.readInbound();
                assertEquals(line, Transcript.format(decoded));
                assertFalse(out.finish());
                assertFalse(in.finish());
            } else if (entry instanceof Transcript.Raw raw) {
                assertEquals(List.of(line), Transcript.format(Transcript.fromWire(raw.direction(), raw.bytes())),
                        "a RAW frame has no one-line form");
            }
        }
    }

    /** The conversation through a session whose filter answers what the transcript says: same replies, same bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void theSessionAnswersExactlyAsRecorded(Path file) throws IOException {
        List<Transcript.Entry> entries = Transcript.read(file).stream()
                .filter(e -> !(e instanceof Transcript.Comment))
                .filter(e -> !(e instanceof Transcript.Reply r && r.reply() instanceof MilterReply.Progress))
                .toList();
        MilterReply.Negotiation answer = entries.stream()
                .filter(e -> e instanceof Transcript.Reply r && r.reply() instanceof MilterReply.Negotiation)
                .map(e -> (MilterReply.Negotiation) ((Transcript.Reply) e).reply())
                .findFirst().orElse(new MilterReply.Negotiation(6, 0, 0, Map.of()));
        var options = new MilterOptions(ActionFlag.of(answer.actions()), ProtocolFlag.of(answer.protocol()),
                answer.macroRequests());
        List<MilterReply> script = new ArrayList<>();
        var recorder = new SessionHarness.FlushRecorder();
        var replayer = new ReplayingFactory(options, script);
        var ch = new EmbeddedChannel(recorder, new MilterCommandDecoder(MilterLimits.DEFAULT),
                MilterReplyEncoder.INSTANCE, new MilterSession(replayer, MilterLimits.DEFAULT, SessionHarness.INFO));
        int flushesSeen = 0;
        for (int i = 0; i < entries.size(); i++) {
            Transcript.Entry entry = entries.get(i);
            if (entry instanceof Transcript.Reply || (entry instanceof Transcript.Raw raw
                    && raw.direction() == Transcript.Direction.TO_MTA)) {
                continue;
            }
            List<MilterReply> expected = new ArrayList<>();
            for (int j = i + 1; j < entries.size() && entries.get(j) instanceof Transcript.Reply r; j++) {
                expected.add(r.reply());
            }
            script.clear();
            script.addAll(expected);
            ch.writeInbound(Unpooled.wrappedBuffer(Transcript.toWire(entry)));
            ch.runPendingTasks();
            List<MilterReply> actual = recorder.flushes.subList(flushesSeen, recorder.flushes.size()).stream()
                    .flatMap(List::stream).toList();
            flushesSeen = recorder.flushes.size();
            assertEquals(Transcript.format(expected.stream().map(Transcript.Reply::new).toList()),
                    Transcript.format(actual.stream().map(Transcript.Reply::new).toList()),
                    "answer to " + Transcript.format(entry));
            for (Object m; (m = ch.readOutbound()) != null; ) {
                ((ByteBuf) m).release();
            }
        }
        assertFalse(ch.finish());
    }

    /** Filters that answer each event with the replies the transcript lists after it. */
    private record ReplayingFactory(MilterOptions options, List<MilterReply> script) implements MilterFilterFactory {

        @Override
        public MilterFilter newFilter(SessionInfo session) {
            return new MilterFilter() {
                private CompletionStage<MilterReply.Response> answer() {
                    return script.isEmpty() ? CONTINUE
                            : completedFuture((MilterReply.Response) script.get(script.size() - 1));
                }

                @Override
                public CompletionStage<MilterReply.Response> connect(MilterCommand.Connect c, Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> helo(MilterCommand.Helo c, Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> mail(MilterCommand.Mail c, Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> rcpt(MilterCommand.Rcpt c, Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> data(Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> header(MilterCommand.Header c, Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> endOfHeaders(Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> body(MilterCommand.Body c, Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<MilterReply.Response> unknown(MilterCommand.Unknown c, Macros m) {
                    return answer();
                }

                @Override
                public CompletionStage<EndOfMessageReply> endOfMessage(Macros m) {
                    List<MilterReply.Modification> mods = new ArrayList<>();
                    for (MilterReply r : script.subList(0, Math.max(0, script.size() - 1))) {
                        mods.add((MilterReply.Modification) r);
                    }
                    MilterReply.Response last = script.isEmpty() ? MilterReply.ACCEPT
                            : (MilterReply.Response) script.get(script.size() - 1);
                    return completedFuture(new EndOfMessageReply(mods, last));
                }
            };
        }
    }
}
