package io.kommander.bench.cli;

import io.kommander.bench.system.SystemKind;
import picocli.CommandLine.ITypeConverter;

import java.util.Locale;

/** Parses a system's report name. */
final class SystemKindConverter implements ITypeConverter<SystemKind> {
    @Override
    public SystemKind convert(String value) {
        return SystemKind.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
