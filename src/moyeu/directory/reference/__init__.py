"""Reference data the directory ships: NAF/NACE activity codes and ISO 3166 countries."""
