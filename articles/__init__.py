"""Articles and their sections: the content, its rendering and the public pages."""
