package io.pushflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code bench all} writes its table into a page written by hand: only between the markers, never over the rest. */
class BenchReportTest {

    private static final String PAGE = "# Measurements\n\nby hand before\n\n" + BenchReport.BEGIN + "\n\nold table\n"
            + BenchReport.END + "\n\nby hand after\n";

    @Test
    void the_report_replaces_only_what_lies_between_the_markers() {
        String page = BenchReport.replaceBetweenMarkers(PAGE, "new table\n");

        assertThat(page)
                .isEqualTo("# Measurements\n\nby hand before\n\n" + BenchReport.BEGIN + "\n\nnew table\n\n"
                        + BenchReport.END + "\n\nby hand after\n");
        assertThat(BenchReport.replaceBetweenMarkers(page, "new table\n"))
                .as("a second run changes nothing")
                .isEqualTo(page);
    }

    @Test
    void a_page_without_both_markers_in_order_is_refused() {
        assertThatThrownBy(() -> BenchReport.replaceBetweenMarkers("by hand only\n", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BenchReport.BEGIN);
        assertThatThrownBy(() -> BenchReport.replaceBetweenMarkers(BenchReport.BEGIN + "\n", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BenchReport.END);
        assertThatThrownBy(
                        () -> BenchReport.replaceBetweenMarkers(BenchReport.END + "\n" + BenchReport.BEGIN + "\n", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after it");
        assertThatThrownBy(() -> BenchReport.replaceBetweenMarkers(PAGE + BenchReport.BEGIN + "\n", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one line");
    }
}
