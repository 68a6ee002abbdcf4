package io.pushflow.tools;

import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/pushflow services up}'s last ClickHouse step: the database and the DDL of sql/clickhouse ({@link ClickHouseSchema}). */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "The ClickHouse schema of sql/clickhouse.",
        subcommands = Schema.Apply.class)
public final class Schema implements Runnable {

    public static void main(String[] args) {
        Cli.main(new Schema(), args);
    }

    @Override
    public void run() {
        System.out.println("name a command: apply (--help)");
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "Creates the database and applies every file of sql/clickhouse to it; idempotent.",
                "ClickHouse comes from CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD."
            })
    static final class Apply implements Callable<Integer> {

        @Option(
                names = "--database",
                paramLabel = "D",
                description = "ClickHouse database (default: env CLICKHOUSE_DATABASE or pushflow)")
        String database = Cli.env("CLICKHOUSE_DATABASE", "pushflow");

        @Override
        public Integer call() {
            try (ClickHouse clickHouse = Cli.clickHouse(database, Duration.ofSeconds(60))) {
                ClickHouseSchema.Applied applied = ClickHouseSchema.apply(clickHouse);
                System.out.printf(
                        "clickhouse: database %s ok, %d file(s) / %d statement(s) from sql/clickhouse applied%n",
                        database, applied.files(), applied.statements());
            }
            return 0;
        }
    }
}
