"""The MkDocs adapter: `plugins: [explainer]` in mkdocs.yml.

Its handlers only hand MkDocs' objects to the build steps in `build.py`; everything else
lives in MkDocs-free modules, so moving to another generator means rewriting this
package only.
"""

from .plugin import ExplainerPlugin

__all__ = ["ExplainerPlugin"]
