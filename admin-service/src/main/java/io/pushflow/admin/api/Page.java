package io.pushflow.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.function.Function;

/** One page of a list, newest first. */
@Serdeable
@Schema(description = "One page of results")
public record Page<T>(
        // serialized when empty too (the default drops empty lists), as the document requires it
        @JsonInclude(JsonInclude.Include.ALWAYS) List<T> items,

        @Schema(description = "Page number, from 0", example = "0")
        int page,

        @Schema(description = "Page size", example = "20") int size,

        @Schema(description = "Items over all pages", example = "42")
        long total) {

    public static <E, T> Page<T> of(io.micronaut.data.model.Page<E> page, Function<E, T> view) {
        return new Page<>(
                page.getContent().stream().map(view).toList(),
                page.getPageNumber(),
                page.getSize(),
                page.getTotalSize());
    }
}
