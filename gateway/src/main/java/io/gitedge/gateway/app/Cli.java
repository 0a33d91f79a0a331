package io.gitedge.gateway.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line's grammar: {@code gitedge <command> [<subcommand>] [options]}, options as
 * {@code --name VALUE}, {@code --name=VALUE} or a short {@code -c VALUE}, flags as
 * {@code --name}; {@code -h}/{@code --help}
 * and {@code -V}/{@code --version} everywhere. Usage errors print {@code gitedge: <what>} and the
 * command's usage to stderr and exit 2.
 *
 * <p>Written here rather than taken from a library: the gateway's whole command line is a
 * handful of commands, and a starting gateway is measured to the millisecond. picocli, which did
 * this before, is built for Java 5, so the class-data-sharing archive cannot hold it, and building
 * its model took a quarter of a second of every start on two cores.
 */
final class Cli {
  private Cli() {}

  /**
   * One option: its names (long first), value label (null for a flag, which takes no value),
   * help, and whether it must be given.
   */
  record Option(List<String> names, String label, String help, boolean required) {
    static Option of(String names, String label, String help) {
      return new Option(List.of(names.split(",")), label, help, false);
    }

    /** An option without a value: given or not. */
    static Option flag(String names, String help) {
      return new Option(List.of(names.split(",")), null, help, false);
    }

    boolean isFlag() {
      return label == null;
    }

    /** How the usage shows it: {@code --name LABEL}, or {@code --name} for a flag. */
    String synopsis() {
      return isFlag() ? name() : name() + " " + label;
    }

    /** The same option, which must be given. */
    Option mandatory() {
      return new Option(names, label, help, true);
    }

    String name() {
      return names.get(0);
    }
  }

  /** What a command does with its parsed options; returns the exit code. */
  @FunctionalInterface
  interface Action {
    int run(Args args);
  }

  /** A command, or a group of subcommands when {@code action} is null. */
  record Command(String name, List<String> help, List<Option> options, List<Command> subcommands,
      Action action) {
    static Command of(String name, List<String> help, List<Option> options, Action action) {
      return new Command(name, help, options, List.of(), action);
    }

    static Command group(String name, String help, List<Command> subcommands) {
      return new Command(name, List.of(help), List.of(), subcommands, null);
    }
  }

  /** The options given, by their long name, and where the command writes. */
  static final class Args {
    private final Map<String, List<String>> values;
    private final PrintStream out;
    private final PrintStream err;

    private Args(Map<String, List<String>> values, PrintStream out, PrintStream err) {
      this.values = values;
      this.out = out;
      this.err = err;
    }

    PrintStream out() {
      return out;
    }

    PrintStream err() {
      return err;
    }

    Optional<String> get(String name) {
      List<String> v = values.get(name);
      return v == null ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    /** Every value of a repeatable option, in order. */
    List<String> all(String name) {
      return values.getOrDefault(name, List.of());
    }

    /** Whether a flag (or any option) was given. */
    boolean has(String name) {
      return values.containsKey(name);
    }
  }

  /** Runs {@code args} against {@code root} (the program itself) and returns the exit code. */
  static int run(Command root, String version, String[] args, PrintStream out, PrintStream err) {
    Command cmd = root;
    String path = root.name();
    int i = 0;
    while (cmd.action() == null && i < args.length && !args[i].startsWith("-")) {
      Optional<Command> sub = find(cmd, args[i]);
      if (sub.isEmpty()) {
        return usageError(cmd, path, "unknown command '" + args[i] + "'", err);
      }
      cmd = sub.get();
      path = path + " " + cmd.name();
      i++;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        usage(cmd, path, out);
        return 0;
      }
      if (a.equals("-V") || a.equals("--version")) {
        out.println(version);
        return 0;
      }
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      Optional<Option> o = option(cmd, name);
      if (o.isEmpty()) {
        return usageError(cmd, path, (a.startsWith("-") ? "unknown option '" : "unexpected"
            + " argument '") + name + "'", err);
      }
      if (o.get().isFlag()) {
        if (value != null) {
          return usageError(cmd, path, "option '" + name + "' takes no value", err);
        }
        value = "true";
      } else if (value == null) {
        if (i + 1 >= args.length) {
          return usageError(cmd, path, "option '" + name + "' needs a value ("
              + o.get().label() + ")", err);
        }
        value = args[++i];
      }
      values.computeIfAbsent(o.get().name(), k -> new ArrayList<>()).add(value);
    }
    if (cmd.action() == null) {
      usage(cmd, path, out);
      return 0;
    }
    for (Option o : cmd.options()) {
      if (o.required() && !values.containsKey(o.name())) {
        return usageError(cmd, path, "missing required option '" + o.synopsis() + "'", err);
      }
    }
    return cmd.action().run(new Args(values, out, err));
  }

  private static Optional<Command> find(Command group, String name) {
    return group.subcommands().stream().filter(c -> c.name().equals(name)).findFirst();
  }

  private static Optional<Option> option(Command cmd, String name) {
    return cmd.options().stream().filter(o -> o.names().contains(name)).findFirst();
  }

  private static int usageError(Command cmd, String path, String message, PrintStream err) {
    err.println("gitedge: " + message);
    usage(cmd, path, err);
    return 2;
  }

  static void usage(Command cmd, String path, PrintStream out) {
    StringBuilder s = new StringBuilder("Usage: ").append(path);
    if (cmd.action() == null) {
      s.append(" [-hV] COMMAND");
    } else {
      s.append(" [-hV]");
      for (Option o : cmd.options()) {
        String one = o.synopsis();
        s.append(' ').append(o.required() ? one : "[" + one + "]");
      }
    }
    s.append('\n');
    cmd.help().forEach(line -> s.append(line).append('\n'));
    List<String[]> rows = new ArrayList<>();
    for (Option o : cmd.options()) {
      rows.add(new String[] {String.join(", ", o.names())
          + (o.isFlag() ? "" : " " + o.label()), o.help()});
    }
    rows.add(new String[] {"-h, --help", "Show this help and exit."});
    rows.add(new String[] {"-V, --version", "Print the version and exit."});
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    rows.forEach(r -> s.append("  ").append(pad(r[0], width)).append("  ").append(r[1])
        .append('\n'));
    if (!cmd.subcommands().isEmpty()) {
      s.append("Commands:\n");
      int w = cmd.subcommands().stream().mapToInt(c -> c.name().length()).max().orElse(0);
      cmd.subcommands().forEach(c -> s.append("  ").append(pad(c.name(), w)).append("  ")
          .append(c.help().get(0)).append('\n'));
    }
    out.print(s);
    out.flush();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }
}
