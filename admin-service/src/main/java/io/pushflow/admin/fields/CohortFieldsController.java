package io.pushflow.admin.fields;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.security.Roles;
import io.pushflow.core.filter.Field;
import io.pushflow.core.filter.Operator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;

@Controller("/api/v1/cohort-fields")
@Tag(name = "cohorts")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
class CohortFieldsController {

    @Serdeable
    @Schema(name = "CohortField", description = "A user attribute a filter chain can test")
    record CohortField(
            @Schema(example = "country") String field,

            @Schema(
                    description = "STRING, ENUM, COUNTRY, LANGUAGE, TIMEZONE, VERSION, SET, BOOLEAN or DATETIME",
                    example = "COUNTRY")
            String type,

            @Schema(example = "ISO 3166-1 alpha-2 country code, e.g. PT")
            String description,

            List<OperatorInfo> operators,

            @Schema(description = "The closed list of values, where there is one")
            List<String> values) {}

    @Serdeable
    @Schema(name = "CohortFieldOperator")
    record OperatorInfo(
            @Schema(example = "in") String op,

            @Schema(
                    description = "none, value (one), values (a list) or range (values: [from, to])",
                    example = "values")
            String takes) {}

    @Get
    @Operation(summary = "The user attributes a filter chain can use, with their types and operators")
    @ApiResponses.Authenticated
    List<CohortField> fields() {
        return Arrays.stream(Field.values())
                .map(f -> new CohortField(
                        f.code(),
                        f.type().name(),
                        f.description(),
                        f.operators().stream()
                                .map(o -> new OperatorInfo(o.code(), takes(o)))
                                .toList(),
                        f.allowedValues()))
                .toList();
    }

    private static String takes(Operator op) {
        return switch (op.arity()) {
            case NONE -> "none";
            case ONE -> "value";
            case TWO -> "range";
            case MANY -> "values";
        };
    }
}
