// Keeps sg_enrich a real library before its first source lands.
namespace sg::enrich_detail {
int library_anchor() { return 0; }
}  // namespace sg::enrich_detail
