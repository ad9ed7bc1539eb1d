"""A plugin that cannot be imported: it needs a module that does not exist."""

from __future__ import annotations

import embedlab_plugin_dependency_that_is_not_installed  # noqa: F401
