"""Small plugin modules that the plugin-loading tests point crafted entry points at."""
