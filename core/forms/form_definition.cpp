// Names of item types, as XLSForm spells them.
#include "core/forms/form_definition.h"

namespace doorstep::forms {

const char* type_name(ItemType type) {
  switch (type) {
    case ItemType::Text: return "text";
    case ItemType::Integer: return "integer";
    case ItemType::Decimal: return "decimal";
    case ItemType::SelectOne: return "select_one";
    case ItemType::SelectMultiple: return "select_multiple";
    case ItemType::Date: return "date";
    case ItemType::Geopoint: return "geopoint";
    case ItemType::Image: return "image";
    case ItemType::Note: return "note";
    case ItemType::Calculate: return "calculate";
    case ItemType::Group: return "group";
    case ItemType::Repeat: return "repeat";
  }
  return "text";
}

bool is_answerable(ItemType type) {
  return type != ItemType::Note && type != ItemType::Calculate && type != ItemType::Group &&
         type != ItemType::Repeat;
}

}  // namespace doorstep::forms
