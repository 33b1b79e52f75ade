// LeakSanitizer suppressions for what Graphviz and the text libraries it loads keep
// for the life of the process: gvContext's plugin configuration (Graphviz 2.43
// does not free it) and the font caches of its pango plugin (pango, fontconfig,
// and a glib worker thread of pangoft2). report/graph_svg.cpp keeps one Graphviz
// context for the process, so these are allocated once; a leak in our own code has
// no frame in these libraries and is still reported. LeakSanitizer calls this
// function, when it is defined in the program, for its default suppressions; in a
// build without sanitizers nothing calls it.
extern "C" const char* __lsan_default_suppressions();

extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgvc.so\n"
         "leak:libgvplugin_pango.so\n"
         "leak:libpangoft2-1.0.so\n"
         "leak:libpango-1.0.so\n"
         // Without frame pointers in the system libraries, the default (fast)
         // unwinder often sees only fontconfig's own frames.
         "leak:libfontconfig.so\n";
}
