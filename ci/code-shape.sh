#!/usr/bin/env bash
# The code's shape as Markdown tables, for notes that compare two commits (issue #11 asks for
# "lines per package before/after, largest classes and methods"):
#
#   ci/code-shape.sh [REPO]     REPO: a checkout of drelu (default: the one this script is in)
#
# It reads REPO/src/main/java/dev/drelu and prints
#   - code lines (non-blank, non-comment lines of Java) and files per package, and the total;
#   - the 10 largest classes (files) by code lines;
#   - the 10 longest methods, constructors and initializer blocks, by lines from the first line of
#     the signature (after its annotations) to the closing brace, with file:line.
# Comments, strings, char literals and text blocks are tokenized, so braces inside them do not
# count. Methods of nested, local and anonymous classes are listed on their own as well as being
# part of the method that holds them. Needs only Java 17 (the counter is a single-file program).
set -euo pipefail

ROOT=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)
SRC=$ROOT/src/main/java/dev/drelu
[ -d "$SRC" ] || { echo "code-shape: no $SRC (give a drelu checkout)" >&2; exit 1; }
command -v java >/dev/null || { echo "code-shape: java (17) is needed" >&2; exit 1; }

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no git")
if [ -n "$(git -C "$ROOT" status --porcelain -- src/main 2>/dev/null)" ]; then
  commit="$commit + uncommitted changes in src/main"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/CodeShape.java" <<'JAVA'
import java.io.IOException;
import java.nio.file.*;
import java.util.*;
import java.util.stream.*;

public class CodeShape {
  record Tok(String text, int line) {}
  record Method(String file, String name, int start, int end, int code) {
    int span() { return end - start + 1; }
  }
  enum Kind { TYPE, METHOD, OTHER }

  /** One open brace: what it opened, and the tokens since the last statement boundary in it. */
  static final class Frame {
    final Kind kind; final String typeKind; final String name; final int start;
    final List<Tok> header = new ArrayList<>();
    int parens; boolean enumConstantsDone;
    Frame(Kind kind, String typeKind, String name, int start) {
      this.kind = kind; this.typeKind = typeKind; this.name = name; this.start = start;
    }
  }

  static final Set<String> TYPE_WORDS = Set.of("class", "interface", "enum", "record");

  public static void main(String[] args) throws IOException {
    Path src = Paths.get(args[0]);
    List<Path> files;
    try (Stream<Path> s = Files.walk(src)) {
      files = s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
    }
    Map<String, int[]> packages = new TreeMap<>();   // package -> {files, code lines}
    List<String[]> sizes = new ArrayList<>();         // {file, code lines}
    List<Method> methods = new ArrayList<>();
    int total = 0;
    for (Path f : files) {
      String rel = src.relativize(f).toString();
      String dir = f.getParent().equals(src) ? "" : "." + src.relativize(f.getParent()).toString().replace('/', '.');
      String pkg = "dev.drelu" + dir;
      Set<Integer> codeLines = new HashSet<>();
      List<Tok> toks = tokenize(Files.readString(f), codeLines);
      int[] p = packages.computeIfAbsent(pkg, k -> new int[2]);
      p[0]++; p[1] += codeLines.size();
      total += codeLines.size();
      sizes.add(new String[] {rel, String.valueOf(codeLines.size())});
      methods.addAll(methods(rel, toks, codeLines));
    }

    System.out.println("Code lines = non-blank, non-comment lines of Java in src/main/java/dev/drelu.\n");
    System.out.println("| package | files | code lines |");
    System.out.println("| --- | ---: | ---: |");
    packages.forEach((k, v) -> System.out.printf("| %s | %d | %d |%n", k, v[0], v[1]));
    System.out.printf("| **total** | **%d** | **%d** |%n%n", files.size(), total);

    System.out.println("10 largest classes (files, paths below dev/drelu):\n");
    System.out.println("| # | file | code lines |");
    System.out.println("| ---: | --- | ---: |");
    sizes.sort(Comparator.comparingInt((String[] a) -> -Integer.parseInt(a[1])).thenComparing(a -> a[0]));
    for (int i = 0; i < Math.min(10, sizes.size()); i++) {
      System.out.printf("| %d | %s | %s |%n", i + 1, sizes.get(i)[0], sizes.get(i)[1]);
    }

    System.out.printf("%n10 longest methods of %d (lines = signature to closing brace; code = of those, code lines):%n%n",
        methods.size());
    System.out.println("| # | method | at | lines | code |");
    System.out.println("| ---: | --- | --- | ---: | ---: |");
    methods.sort(Comparator.comparingInt((Method m) -> -m.span()).thenComparingInt(m -> -m.code())
        .thenComparing(Method::file).thenComparingInt(Method::start));
    for (int i = 0; i < Math.min(10, methods.size()); i++) {
      Method m = methods.get(i);
      System.out.printf("| %d | %s | %s:%d | %d | %d |%n", i + 1, m.name(), m.file(), m.start(), m.span(), m.code());
    }
  }

  /** Java tokens without comments; strings, chars and text blocks become one token "\"\"".
   *  Every line that holds (part of) a token goes into codeLines. */
  static List<Tok> tokenize(String s, Set<Integer> codeLines) {
    List<Tok> out = new ArrayList<>();
    int line = 1, i = 0, n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\n') { line++; i++; continue; }
      if (Character.isWhitespace(c)) { i++; continue; }
      if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        while (i < n && s.charAt(i) != '\n') i++;
        continue;
      }
      if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        for (int j = i; j < end; j++) if (s.charAt(j) == '\n') line++;
        i = end;
        continue;
      }
      int startLine = line;
      if (s.startsWith("\"\"\"", i)) {                       // text block
        int j = i + 3;
        while (j < n && !s.startsWith("\"\"\"", j)) {
          if (s.charAt(j) == '\\') j++;
          else if (s.charAt(j) == '\n') line++;
          j++;
        }
        i = Math.min(n, j + 3);
        for (int l = startLine; l <= line; l++) codeLines.add(l);
        out.add(new Tok("\"\"", startLine));
        continue;
      }
      if (c == '"' || c == '\'') {                           // string or char literal
        int j = i + 1;
        while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
          if (s.charAt(j) == '\\') j++;
          j++;
        }
        i = j + 1;
        codeLines.add(startLine);
        out.add(new Tok("\"\"", startLine));
        continue;
      }
      int j = i + 1;
      if (Character.isJavaIdentifierStart(c) || Character.isDigit(c)) {
        while (j < n && Character.isJavaIdentifierPart(s.charAt(j))) j++;
      }
      codeLines.add(startLine);
      out.add(new Tok(s.substring(i, j), startLine));
      i = j;
    }
    return out;
  }

  /** Finds the bodies of methods, constructors and initializers by following the braces. */
  static List<Method> methods(String file, List<Tok> toks, Set<Integer> codeLines) {
    List<Method> found = new ArrayList<>();
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(Kind.OTHER, null, null, 0));       // the file itself
    for (Tok t : toks) {
      Frame f = stack.peek();
      switch (t.text()) {
        case "(" -> { f.parens++; f.header.add(t); }
        case ")" -> { f.parens--; f.header.add(t); }
        case ";" -> {
          if (f.parens > 0) { f.header.add(t); break; }
          f.header.clear();
          if ("enum".equals(f.typeKind)) f.enumConstantsDone = true;
        }
        case "{" -> stack.push(open(f, t));
        case "}" -> {
          Frame closed = stack.pop();
          if (closed.kind == Kind.METHOD) {
            int code = 0;
            for (int l = closed.start; l <= t.line(); l++) if (codeLines.contains(l)) code++;
            found.add(new Method(file, qualified(stack, closed.name), closed.start, t.line(), code));
          }
          Frame parent = stack.peek();
          if (parent.parens > 0) parent.header.add(new Tok("{}", t.line())); else parent.header.clear();
        }
        default -> f.header.add(t);
      }
    }
    return found;
  }

  /** What the brace after f's header opens. */
  static Frame open(Frame f, Tok brace) {
    List<Tok> h = withoutAnnotations(f.header);
    int line = h.isEmpty() ? brace.line() : h.get(0).line();
    if (f.parens == 0) {
      String typeKind = null, typeName = null;
      for (int i = 0; i + 1 < h.size(); i++) {
        String w = h.get(i).text();
        boolean dotted = i > 0 && h.get(i - 1).text().equals(".");
        if (TYPE_WORDS.contains(w) && !dotted && isIdent(h.get(i + 1).text())) {
          typeKind = w; typeName = h.get(i + 1).text();
          break;
        }
        if (w.equals("@") && h.get(i + 1).text().equals("interface") && i + 2 < h.size()) {
          typeKind = "interface"; typeName = h.get(i + 2).text();
          break;
        }
      }
      if (typeKind != null) return new Frame(Kind.TYPE, typeKind, typeName, line);
    }
    if (isAnonymous(h)) return new Frame(Kind.TYPE, "anonymous", "(new " + anonymousName(h) + ")", line);
    if (f.kind != Kind.TYPE || f.parens != 0) return new Frame(Kind.OTHER, null, null, line);
    if ("enum".equals(f.typeKind) && !f.enumConstantsDone) {   // an enum constant with a body
      return new Frame(Kind.TYPE, "anonymous", h.isEmpty() ? "?" : h.get(0).text(), line);
    }
    List<String> words = h.stream().map(Tok::text).collect(Collectors.toList());
    if (words.isEmpty()) return new Frame(Kind.METHOD, null, "{initializer}", brace.line());
    if (words.equals(List.of("static"))) return new Frame(Kind.METHOD, null, "static {initializer}", line);
    if (words.contains("=")) return new Frame(Kind.OTHER, null, null, line);   // e.g. an array initializer
    int paren = words.indexOf("(");
    if (paren > 0) return new Frame(Kind.METHOD, null, words.get(paren - 1), line);
    if ("record".equals(f.typeKind) && isIdent(words.get(words.size() - 1))) {   // compact constructor
      return new Frame(Kind.METHOD, null, words.get(words.size() - 1), line);
    }
    return new Frame(Kind.OTHER, null, null, line);
  }

  /** The header without its annotations (@Name, @a.b.Name, @Name(...)), keeping @interface. */
  static List<Tok> withoutAnnotations(List<Tok> h) {
    List<Tok> out = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).text().equals("@") && i + 1 < h.size() && !h.get(i + 1).text().equals("interface")) {
        i++;                                                // the name
        while (i + 2 < h.size() && h.get(i + 1).text().equals(".")) i += 2;
        if (i + 1 < h.size() && h.get(i + 1).text().equals("(")) {
          int depth = 0;
          do {
            i++;
            if (h.get(i).text().equals("(")) depth++;
            if (h.get(i).text().equals(")")) depth--;
          } while (depth > 0 && i + 1 < h.size());
        }
        continue;
      }
      out.add(h.get(i));
    }
    return out;
  }

  /** Does the header end in "new Type<...>(...)"? */
  static boolean isAnonymous(List<Tok> h) {
    return anonymousStart(h) >= 0;
  }

  static int anonymousStart(List<Tok> h) {
    int i = h.size() - 1;
    if (i < 0 || !h.get(i).text().equals(")")) return -1;
    int depth = 0;
    for (; i >= 0; i--) {
      String w = h.get(i).text();
      if (w.equals(")")) depth++;
      if (w.equals("(")) depth--;
      if (depth == 0) break;
    }
    for (i--; i >= 0; i--) {
      String w = h.get(i).text();
      if (w.equals("new")) return i;
      if (!(isIdent(w) || Set.of(".", "<", ">", ",", "?", "[", "]").contains(w))) return -1;
    }
    return -1;
  }

  static String anonymousName(List<Tok> h) {
    int i = anonymousStart(h) + 1;
    return i < h.size() ? h.get(i).text() : "?";
  }

  static boolean isIdent(String w) {
    return !w.isEmpty() && Character.isJavaIdentifierStart(w.charAt(0));
  }

  /** Type.method, with the types around it (anonymous ones as "(new X)"). */
  static String qualified(Deque<Frame> stack, String name) {
    List<String> parts = new ArrayList<>();
    for (Frame f : stack) if (f.kind == Kind.TYPE) parts.add(0, f.name);
    parts.add(name);
    return String.join(".", parts);
  }
}
JAVA

echo "## Code shape of ${ROOT} (${commit})"
echo
java "$TMP/CodeShape.java" "$SRC"
