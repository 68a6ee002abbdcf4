package io.pushflow.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The jobs' benchmarks' command lines: {@code --name value} pairs of known names; --help prints the usage. */
public final class BenchArgs {

    private BenchArgs() {}

    /** The options given, by name without dashes; a bad or missing one prints why and exits 2. */
    public static Map<String, String> parse(String[] args, String usage, List<String> known, List<String> required) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-h") || args[i].equals("--help")) {
                System.out.println(usage);
                System.exit(0);
            }
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name) || i + 1 >= args.length) {
                System.err.println("unknown argument or missing value: " + args[i] + "\n" + usage);
                System.exit(2);
            }
            opts.put(name, args[++i]);
        }
        for (String name : required) {
            if (!opts.containsKey(name)) {
                System.err.println("needs --" + name + " (bin/pushflow bench passes it)\n" + usage);
                System.exit(2);
            }
        }
        return opts;
    }
}
