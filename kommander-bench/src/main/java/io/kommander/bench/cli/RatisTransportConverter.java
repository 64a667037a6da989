package io.kommander.bench.cli;

import io.kommander.bench.system.ratis.RatisTransport;
import picocli.CommandLine.ITypeConverter;

import java.util.Locale;

/** Parses {@code netty} or {@code grpc}. */
final class RatisTransportConverter implements ITypeConverter<RatisTransport> {
    @Override
    public RatisTransport convert(String value) {
        return RatisTransport.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
