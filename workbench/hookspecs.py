"""The hooks a Workbench plugin can implement (pluggy, project name "workbench").

A plugin is a module (a `.py` file in a plugins folder, or an installed package with an
entry point in group ``workbench``) with functions decorated by ``@hookimpl``::

    from workbench.hookspecs import hookimpl
    from workbench.exporters import Exporter

    @hookimpl
    def register_exporters(register):
        register(Exporter(name="briefing", description="...", kind="file",
                          extension=".md", write=write_briefing))

The built-in exporters and importers are plugins of exactly this shape
(`workbench.exporters.builtin`, `workbench.importers.brat`).
"""

from __future__ import annotations

import pluggy

PROJECT = "workbench"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_exporters(register):  # type: ignore[no-untyped-def]
    """Register exporters: call ``register(Exporter(...))`` once per format.

    The exporter's ``write(view, target, context)`` receives a read-only `ExportView` of
    the chosen documents (mentions, entities, events with roles and clusters), the path
    to write (a temporary file or folder that Workbench renames into place when ``write``
    returns) and an `ExportContext` for options, progress and warnings.
    """


@hookspec
def register_importers(register):  # type: ignore[no-untyped-def]
    """Register importers: call ``register(Importer(...))`` once per format.

    The importer's ``read(path)`` turns a file or folder into `ImportedDocument` records
    (a document with its mentions, entity links and events); Workbench stores them.
    """
