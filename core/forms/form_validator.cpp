// The form validator: every ${reference} resolves, and the items whose values others read
// can be evaluated in an order (no circular calculation or relevance).
#include <algorithm>
#include <functional>
#include <queue>

#include "core/forms/form_issues.h"

namespace doorstep::forms {
namespace {

struct NamedExpression {
  const char* key;
  const std::optional<Expression>* expression;
};

std::vector<NamedExpression> expressions_of(const FormItem& item) {
  return {{"relevant", &item.relevant},           {"constraint", &item.constraint},
          {"calculation", &item.calculation},     {"required", &item.required_if},
          {"choice_filter", &item.choice_filter}, {"repeat_count", &item.repeat_count},
          {"default", &item.default_expression},  {"warning", &item.warning}};
}

// The expressions whose result changes what other items read (their value or relevance).
std::vector<const Expression*> value_expressions(const FormItem& item) {
  std::vector<const Expression*> out;
  for (const auto* e :
       {&item.relevant, &item.calculation, &item.default_expression, &item.repeat_count})
    if (e->has_value()) out.push_back(&**e);
  return out;
}

void check_references(const FormDefinition& form, const Expression& expression,
                      const std::string& pointer, const std::string& where, FormIssues& issues) {
  for (const auto& name : expression.references()) {
    if (form.find(name) || form.find_param(name)) continue;
    auto at = expression.text().find("${" + name + "}");
    size_t offset = at == std::string::npos ? issues.positions().value_offset(pointer)
                                            : issues.positions().string_char_offset(pointer, at);
    issues.at_offset(pointer, offset, "reference to unknown field ${" + name + "} in " + where);
  }
}

}  // namespace

void validate_form(FormDefinition& form, FormIssues& issues) {
  for (const auto& item : form.items)
    for (const auto& [key, expression] : expressions_of(item))
      if (expression->has_value())
        check_references(form, **expression, item.pointer + "/" + key,
                         std::string(key) + " of '" + item.name + "'", issues);
  for (size_t i = 0; i < form.rules.size(); ++i)
    check_references(form, form.rules[i].when, form.rule_pointers[i] + "/when",
                     "the rule '" + form.rules[i].id + "'", issues);
  if (!issues.empty()) return;

  // Edges: what an item reads -> the item; a container -> its children.
  size_t n = form.items.size();
  std::vector<std::vector<int>> readers(n);
  std::vector<int> in_degree(n, 0);
  auto add_edge = [&](int from, int to) {
    readers[static_cast<size_t>(from)].push_back(to);
    ++in_degree[static_cast<size_t>(to)];
  };
  for (const auto& item : form.items) {
    if (item.parent >= 0) add_edge(item.parent, item.index);
    for (const Expression* e : value_expressions(item))
      for (const auto& name : e->references())
        if (const FormItem* source = form.find(name)) add_edge(source->index, item.index);
  }
  // Kahn's algorithm, taking the lowest document index first so the order stays familiar.
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (size_t i = 0; i < n; ++i)
    if (in_degree[i] == 0) ready.push(static_cast<int>(i));
  form.evaluation_order.clear();
  while (!ready.empty()) {
    int next = ready.top();
    ready.pop();
    form.evaluation_order.push_back(next);
    for (int reader : readers[static_cast<size_t>(next)])
      if (--in_degree[static_cast<size_t>(reader)] == 0) ready.push(reader);
  }
  if (form.evaluation_order.size() == n) {
    form.rank.assign(n, 0);
    for (size_t r = 0; r < n; ++r)
      form.rank[static_cast<size_t>(form.evaluation_order[r])] = static_cast<int>(r);
    return;
  }
  // Some items are on a cycle (or wait on one): walk back along unfinished inputs from one of
  // them until an item repeats, then report that loop.
  std::vector<std::vector<int>> inputs(n);
  for (size_t from = 0; from < n; ++from)
    for (int to : readers[from])
      if (in_degree[static_cast<size_t>(to)] > 0 && in_degree[from] > 0)
        inputs[static_cast<size_t>(to)].push_back(static_cast<int>(from));
  int start = -1;
  for (size_t i = 0; i < n && start < 0; ++i)
    if (in_degree[i] > 0 && !inputs[i].empty()) start = static_cast<int>(i);
  std::vector<int> path;
  std::vector<int> seen_at(n, -1);
  int at = start;
  while (at >= 0 && seen_at[static_cast<size_t>(at)] < 0) {
    seen_at[static_cast<size_t>(at)] = static_cast<int>(path.size());
    path.push_back(at);
    const auto& in = inputs[static_cast<size_t>(at)];
    at = in.empty() ? -1 : in.front();
  }
  std::vector<int> cycle;
  if (at >= 0) cycle.assign(path.begin() + seen_at[static_cast<size_t>(at)], path.end());
  std::reverse(cycle.begin(), cycle.end());  // we walked against the edges
  std::string text;
  for (int i : cycle) text += form.items[static_cast<size_t>(i)].name + " -> ";
  if (!cycle.empty()) text += form.items[static_cast<size_t>(cycle.front())].name;
  int first = cycle.empty() ? start : *std::min_element(cycle.begin(), cycle.end());
  if (first < 0) first = 0;
  // Rotate so the cycle is listed from the item that comes first in the file.
  if (!cycle.empty()) {
    std::rotate(cycle.begin(), std::find(cycle.begin(), cycle.end(), first), cycle.end());
    text.clear();
    for (int i : cycle) text += form.items[static_cast<size_t>(i)].name + " -> ";
    text += form.items[static_cast<size_t>(cycle.front())].name;
  }
  issues.at_value(form.items.empty() ? "" : form.items[static_cast<size_t>(first)].pointer,
                  "circular calculation or relevance: " + text);
}

}  // namespace doorstep::forms
