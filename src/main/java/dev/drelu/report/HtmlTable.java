package dev.drelu.report;

/**
 * A {@link TextTable} as an HTML {@code <table>} fragment: every text escaped, the best cells
 * {@code <td class="best"><strong>}, flagged rows {@code <tr class="flagged">}; alignment is left
 * to the page's style sheet.
 */
public final class HtmlTable {
  private HtmlTable() {}

  /** @return the fragment, one line per row */
  public static String render(TextTable t) {
    StringBuilder out = new StringBuilder("<table class=\"").append(Html.escape(t.htmlClass())).append("\">\n<thead><tr>");
    t.header().forEach(h -> out.append("<th>").append(Html.escape(h)).append("</th>"));
    out.append("</tr></thead>\n<tbody>\n");
    for (TextTable.Row r : t.rows()) {
      out.append(r.flagged() ? "<tr class=\"flagged\">" : "<tr>");
      for (TextTable.Cell c : r.cells()) {
        String text = Html.escape(c.text());
        out.append(c.best() ? "<td class=\"best\"><strong>" + text + "</strong></td>" : "<td>" + text + "</td>");
      }
      out.append("</tr>\n");
    }
    return out.append("</tbody>\n</table>\n").toString();
  }
}
