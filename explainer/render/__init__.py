"""Facts into HTML: the templates' environment (`templates`), references in sections
(`expand`), the generated pages (`pages`), and the text and dates readers see (`text`,
`formatting`)."""
