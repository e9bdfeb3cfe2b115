package org.postern.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.ValueInstantiators;
import com.fasterxml.jackson.databind.deser.impl.PropertyValueBuffer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Jackson set up to bind a YAML document to {@link PosternConfig}, strictly.
 *
 * <ol>
 *   <li>Keys are snake_case record components; an unknown key fails.</li>
 *   <li>No scalar coercion: a string is not an integer, a float is not an integer, a number or boolean is not a
 *       string. An integer is a valid number ({@code reject: 15}).</li>
 *   <li>A key left out, or written with an empty value, takes its default. The default comes from the record's
 *       {@code DEFAULTS} instance, so each default is written once, in its record. Jackson alone would pass 0 or false
 *       for a missing primitive; {@link Defaulting} fills in the default instead. An empty value of an Optional or
 *       OptionalDouble is {@code empty} (an explicitly disabled action), which is why YAML null is not turned into a
 *       Java null for those.</li>
 *   <li>An empty list element or map value fails.</li>
 *   <li>Value types ({@link Duration}, {@link HostPort}, {@link Cidr}, {@link ReplyText}, {@link Path}, enums) are
 *       parsed from strings here, and their {@link InvalidValueException} reaches {@link JacksonErrors} intact.</li>
 * </ol>
 */
final class YamlBinding {

    private static final Map<Class<?>, Record> DEFAULTS = Map.ofEntries(
            Map.entry(PosternConfig.class, PosternConfig.DEFAULTS),
            Map.entry(MilterConfig.class, MilterConfig.DEFAULTS),
            Map.entry(OutgoingConfig.class, OutgoingConfig.DEFAULTS),
            Map.entry(ScanConfig.class, ScanConfig.DEFAULTS),
            Map.entry(ActionsConfig.class, ActionsConfig.DEFAULTS),
            Map.entry(HeadersConfig.class, HeadersConfig.DEFAULTS),
            Map.entry(DnsConfig.class, DnsConfig.DEFAULTS),
            Map.entry(SpfConfig.class, SpfConfig.DEFAULTS),
            Map.entry(RblConfig.class, RblConfig.DEFAULTS),
            Map.entry(GreylistConfig.class, GreylistConfig.DEFAULTS),
            Map.entry(PolicyConfig.class, PolicyConfig.DEFAULTS),
            Map.entry(DkimConfig.class, DkimConfig.DEFAULTS),
            Map.entry(DmarcConfig.class, DmarcConfig.DEFAULTS),
            Map.entry(BayesConfig.class, BayesConfig.DEFAULTS),
            Map.entry(BayesAutolearn.class, BayesAutolearn.DEFAULTS));

    // Immutable once built, and thread-safe.
    private static final ObjectMapper MAPPER = build();

    private YamlBinding() {
    }

    /** Binds {@code yaml}; null if the document is an explicit null ({@code ~}). */
    static PosternConfig bind(String yaml) throws JsonProcessingException {
        return MAPPER.readValue(yaml, PosternConfig.class);
    }

    /**
     * The YAML reader both passes use. {@code key:} with nothing after it is null, as in YAML itself (Jackson 2 reads
     * it as ""); a quoted {@code ""} stays an empty string.
     */
    static YAMLFactory factory(boolean strictDuplicates) {
        var builder = YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL);
        if (strictDuplicates) {
            builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        }
        return builder.build();
    }

    private static ObjectMapper build() {
        var factory = factory(true);
        var module = new SimpleModule("postern-config") {
            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addValueInstantiators(new DefaultingInstantiators());
            }
        };
        module.addDeserializer(Duration.class, new TextDeserializer<>(Duration.class, DurationText::parse, true));
        module.addDeserializer(HostPort.class, new TextDeserializer<>(HostPort.class, HostPort::parse, false));
        module.addDeserializer(Cidr.class, new TextDeserializer<>(Cidr.class, Cidr::parse, false));
        module.addDeserializer(ReplyText.class, new TextDeserializer<>(ReplyText.class, ReplyText::parse, false));
        module.addDeserializer(Path.class, new TextDeserializer<>(Path.class, YamlBinding::path, false));
        module.addDeserializer(ListMatch.class, enumDeserializer(ListMatch.class));
        module.addDeserializer(ListAction.class, enumDeserializer(ListAction.class));
        module.addDeserializer(RblCheck.class, enumDeserializer(RblCheck.class));
        module.addDeserializer(GreylistMode.class, enumDeserializer(GreylistMode.class));
        module.addDeserializer(SpamAction.class, enumDeserializer(SpamAction.class));
        module.addDeserializer(PolicyConflicts.class, enumDeserializer(PolicyConflicts.class));
        return YAMLMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.WRAP_EXCEPTIONS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfigDefaults(c -> {
                    for (CoercionInputShape shape : CoercionInputShape.values()) {
                        c.setCoercion(shape, CoercionAction.Fail);
                    }
                    c.setAcceptBlankAsEmpty(false);
                })
                .withCoercionConfig(LogicalType.Float,
                        c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
                // A YAML null for a primitive reaches Defaulting as null instead of 0 or false.
                .withConfigOverride(int.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP)))
                .withConfigOverride(double.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP)))
                .withConfigOverride(boolean.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP)))
                .withConfigOverride(List.class, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL)))
                .withConfigOverride(Map.class, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL)))
                .addModule(new Jdk8Module())
                .addModule(module)
                .build();
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw InvalidValueException.ofValue("is not a valid path: " + e.getReason());
        }
    }

    private static <E extends Enum<E>> TextDeserializer<E> enumDeserializer(Class<E> type) {
        Map<String, E> byName = Arrays.stream(type.getEnumConstants())
                .collect(Collectors.toMap(JacksonErrors::yamlName, Function.identity()));
        return new TextDeserializer<>(type, text -> {
            E value = byName.get(text);
            if (value == null) {
                throw InvalidValueException.ofValue("must be " + JacksonErrors.expected(type) + ", not "
                        + Checks.quote(text));
            }
            return value;
        }, false);
    }

    /** A value type written as one YAML string; another token is a type mismatch that {@link JacksonErrors} words. */
    private static final class TextDeserializer<T> extends StdScalarDeserializer<T> {

        private final Function<String, T> parse;
        private final boolean numbersToo;

        /** @param numbersToo also hand a bare number's text to {@code parse}, which explains what is missing */
        TextDeserializer(Class<T> type, Function<String, T> parse, boolean numbersToo) {
            super(type);
            this.parse = parse;
            this.numbersToo = numbersToo;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING) || numbersToo && p.currentToken().isNumeric()) {
                return parse.apply(p.getText());
            }
            return (T) ctxt.handleUnexpectedToken(handledType(), p);
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.OtherScalar;
        }
    }

    private static final class DefaultingInstantiators extends ValueInstantiators.Base {
        @Override
        public ValueInstantiator findValueInstantiator(DeserializationConfig config, BeanDescription beanDesc,
                ValueInstantiator defaultInstantiator) {
            Class<?> type = beanDesc.getBeanClass();
            if (type.isRecord() && type.getPackageName().equals(YamlBinding.class.getPackageName())) {
                return new Defaulting(defaultInstantiator, type);
            }
            return defaultInstantiator;
        }
    }

    /**
     * Calls a record's canonical constructor with the default of each component whose key is missing or empty: the
     * component of the record's {@code DEFAULTS} if it has one, otherwise 0, false or null (and the compact
     * constructor decides what null means).
     */
    private static final class Defaulting extends ValueInstantiator.Delegating {

        private final Class<?> type;

        Defaulting(ValueInstantiator delegate, Class<?> type) {
            super(delegate);
            this.type = type;
        }

        @Override
        public ValueInstantiator createContextual(DeserializationContext ctxt, BeanDescription beanDesc)
                throws JsonMappingException {
            ValueInstantiator contextual = delegate().createContextual(ctxt, beanDesc);
            return contextual == delegate() ? this : new Defaulting(contextual, type);
        }

        @Override
        public Object createFromObjectWith(DeserializationContext ctxt, SettableBeanProperty[] props,
                PropertyValueBuffer buffer) throws IOException {
            RecordComponent[] components = type.getRecordComponents();
            Object[] args = new Object[components.length];
            for (SettableBeanProperty prop : props) {
                int i = prop.getCreatorIndex();
                Object value = buffer.hasParameter(prop) ? buffer.getParameter(prop) : null;
                args[i] = value != null ? value : missing(components[i]);
            }
            return delegate().createFromObjectWith(ctxt, args);
        }

        private Object missing(RecordComponent component) {
            Record defaults = DEFAULTS.get(type);
            if (defaults != null) {
                try {
                    return component.getAccessor().invoke(defaults);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + component.getName(),
                            e);
                }
            }
            Class<?> t = component.getType();
            if (t == int.class) {
                return 0;
            } else if (t == double.class) {
                return 0.0;
            } else if (t == boolean.class) {
                return false;
            } else if (t.isPrimitive()) {
                throw new IllegalStateException("no zero for " + t + " in " + type.getSimpleName());
            }
            return null;
        }
    }
}
