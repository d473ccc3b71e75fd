"""explainer: data-driven news explainers built with MkDocs Material."""
