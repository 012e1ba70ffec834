// The dashboard's two languages: Chinese (the default: the county's staff) and English. A page
// picks the language from ?lang=zh|en (which also sets the doorstep_lang cookie), else the
// cookie, else Chinese. Page texts are written at their use as pick(lang, "中文", "English");
// the words of the county record's vocabulary (levels, case states, roles, sources, task
// kinds, monitoring types) are here, once.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace doorstep::server::web {

enum class Lang { Zh, En };

inline const char* pick(Lang lang, const char* zh, const char* en) {
  return lang == Lang::Zh ? zh : en;
}
inline const char* lang_code(Lang lang) {
  return lang == Lang::Zh ? "zh" : "en";
}

// Each of these answers the value itself for a word it does not know.
std::string level_label(Lang lang, const std::string& level);  // red|yellow|green|"" (none)
std::string case_state_label(Lang lang, const std::string& state);
std::string staff_role_label(Lang lang, const std::string& role);   // county|township|village
std::string device_role_label(Lang lang, const std::string& role);  // grid-worker|...
std::string warning_source_label(Lang lang, const std::string& source);
std::string task_kind_label(Lang lang, const std::string& kind);
std::string monitoring_type_label(Lang lang, const std::string& type);
std::string division_level_label(Lang lang, const std::string& level);  // township|village|grid
// A warning's, task's or import's status: open, closed, done, cancelled, running, failed.
std::string status_label(Lang lang, const std::string& status);
// A case transition as an action: "verified" -> "核实" / "Verify".
std::string transition_label(Lang lang, const std::string& to);

}  // namespace doorstep::server::web
