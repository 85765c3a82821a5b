package dev.drelu.report;

/** Escaping for text placed in HTML, so names from tables and specs cannot break the page. */
public final class Html {
  private Html() {}

  /** @return {@code text} with &amp;, &lt;, &gt;, quotes and apostrophes escaped; "" for null */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
