"""Discord's payload limits, reported the way Discord reports them.

Every check returns a nested ``errors`` dict in the shape of Discord's
"Invalid Form Body" response (``{"embeds": {"0": {"title": {"_errors": [...]}}}}``);
an empty dict means the payload is acceptable.
"""

from __future__ import annotations

import re
from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
PLACEHOLDER_MAX = 150
V2_COMPONENTS_MAX = 40
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_INPUTS_MAX = 5
MODAL_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
COMMAND_TOTAL_CHARS_MAX = 4000
COMMANDS_PER_TYPE_MAX = 100

FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15

# Discord allows letters/digits of any script plus - and _; \w approximates that.
_COMMAND_NAME_RE = re.compile(r"^[-_\w]{1,32}$")

Errors = dict[str, Any]


def add_error(errors: Errors, path: tuple[Any, ...], code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def invalid_form_body(errors: Errors) -> dict[str, Any]:
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def _max_len(errors: Errors, path: tuple[Any, ...], value: Any, maximum: int) -> None:
    if isinstance(value, (str, list)) and len(value) > maximum:
        add_error(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {maximum} or fewer in length.")


def _bad_len(errors: Errors, path: tuple[Any, ...], value: Any, minimum: int, maximum: int) -> None:
    if not isinstance(value, str) or not minimum <= len(value) <= maximum:
        add_error(errors, path, "BASE_TYPE_BAD_LENGTH", f"Must be between {minimum} and {maximum} in length.")


# --------------------------------------------------------------------------- messages


def embed_text_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def check_embeds(errors: Errors, embeds: Any, base: tuple[Any, ...] = ("embeds",)) -> None:
    if not isinstance(embeds, list):
        return
    _max_len(errors, base, embeds, EMBEDS_MAX)
    for i, embed in enumerate(embeds):
        p = (*base, i)
        _max_len(errors, (*p, "title"), embed.get("title"), EMBED_TITLE_MAX)
        _max_len(errors, (*p, "description"), embed.get("description"), EMBED_DESCRIPTION_MAX)
        _max_len(errors, (*p, "footer", "text"), (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX)
        _max_len(errors, (*p, "author", "name"), (embed.get("author") or {}).get("name"), EMBED_AUTHOR_MAX)
        fields = embed.get("fields") or []
        _max_len(errors, (*p, "fields"), fields, EMBED_FIELDS_MAX)
        for j, field in enumerate(fields):
            _bad_len(errors, (*p, "fields", j, "name"), field.get("name"), 1, EMBED_FIELD_NAME_MAX)
            _bad_len(errors, (*p, "fields", j, "value"), field.get("value"), 1, EMBED_FIELD_VALUE_MAX)
    if sum(embed_text_length(e) for e in embeds) > EMBED_TOTAL_MAX:
        add_error(errors, base, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")


def _check_interactive(errors: Errors, p: tuple[Any, ...], comp: dict[str, Any]) -> None:
    ctype = comp.get("type")
    if ctype == 2:  # button
        _max_len(errors, (*p, "label"), comp.get("label"), BUTTON_LABEL_MAX)
        if comp.get("style") == 5:
            if not comp.get("url"):
                add_error(errors, (*p, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        elif comp.get("style") != 6 and not comp.get("custom_id"):
            add_error(errors, (*p, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
    if ctype in (3, 5, 6, 7, 8):  # select menus
        _max_len(errors, (*p, "placeholder"), comp.get("placeholder"), PLACEHOLDER_MAX)
        options = comp.get("options") or []
        if ctype == 3:
            _max_len(errors, (*p, "options"), options, SELECT_OPTIONS_MAX)
            if not options:
                add_error(errors, (*p, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
        for k, opt in enumerate(options):
            _bad_len(errors, (*p, "options", k, "label"), opt.get("label"), 1, SELECT_OPTION_TEXT_MAX)
            _bad_len(errors, (*p, "options", k, "value"), opt.get("value"), 1, SELECT_OPTION_TEXT_MAX)
            _max_len(errors, (*p, "options", k, "description"), opt.get("description"), SELECT_OPTION_TEXT_MAX)
    if comp.get("custom_id") is not None:
        _bad_len(errors, (*p, "custom_id"), comp.get("custom_id"), 1, CUSTOM_ID_MAX)


def _walk_components(components: list[dict[str, Any]], path: tuple[Any, ...]):
    for i, comp in enumerate(components):
        yield (*path, i), comp
        if comp.get("components"):
            yield from _walk_components(comp["components"], (*path, i, "components"))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield (*path, i, key), comp[key]


def check_components(errors: Errors, components: Any, flags: int = 0, base: tuple[Any, ...] = ("components",)) -> None:
    if not isinstance(components, list):
        return
    if flags & FLAG_COMPONENTS_V2:
        # Components v2 drops the row rules for a global component budget.
        if sum(1 for _ in _walk_components(components, base)) > V2_COMPONENTS_MAX:
            add_error(errors, base, "BASE_TYPE_MAX_LENGTH", f"Must be {V2_COMPONENTS_MAX} or fewer in length.")
        for p, comp in _walk_components(components, base):
            _check_interactive(errors, p, comp)
        return
    _max_len(errors, base, components, ACTION_ROWS_MAX)
    for i, row in enumerate(components):
        rp = (*base, i)
        if row.get("type") != 1:
            add_error(errors, (*rp, "type"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "Top-level components must be action rows")
            continue
        children = row.get("components") or []
        if not children:
            add_error(errors, (*rp, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        _max_len(errors, (*rp, "components"), children, ROW_BUTTONS_MAX)
        has_select = any(c.get("type") in (3, 5, 6, 7, 8) for c in children)
        if has_select and len(children) > 1:
            add_error(errors, (*rp, "components"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width")
        for j, comp in enumerate(children):
            _check_interactive(errors, (*rp, "components", j), comp)


def check_message(payload: dict[str, Any], base: tuple[Any, ...] = ()) -> Errors:
    """Limits for message create/edit bodies and interaction message data."""
    errors: Errors = {}
    if not isinstance(payload, dict):
        add_error(errors, base, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return errors
    _max_len(errors, (*base, "content"), payload.get("content"), CONTENT_MAX)
    check_embeds(errors, payload.get("embeds"), (*base, "embeds"))
    check_components(errors, payload.get("components"), int(payload.get("flags") or 0), (*base, "components"))
    return errors


def is_empty_message(payload: dict[str, Any], has_files: bool) -> bool:
    return not (
        payload.get("content") or payload.get("embeds") or payload.get("components")
        or payload.get("sticker_ids") or payload.get("poll") or has_files or payload.get("attachments")
    )


# --------------------------------------------------------------------------- interaction responses


def check_autocomplete(data: Any) -> Errors:
    errors: Errors = {}
    choices = (data or {}).get("choices")
    if not isinstance(choices, list):
        add_error(errors, ("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        return errors
    _max_len(errors, ("data", "choices"), choices, AUTOCOMPLETE_CHOICES_MAX)
    for i, choice in enumerate(choices):
        _bad_len(errors, ("data", "choices", i, "name"), choice.get("name"), 1, CHOICE_NAME_MAX)
        if isinstance(choice.get("value"), str):
            _max_len(errors, ("data", "choices", i, "value"), choice["value"], CHOICE_STRING_VALUE_MAX)
    return errors


def modal_text_inputs(components: list[dict[str, Any]]) -> list[tuple[tuple[Any, ...], dict[str, Any], str | None]]:
    """(path, text_input, label) for each text input, in action-row or Label (type 18) layout."""
    found = []
    for i, top in enumerate(components):
        if top.get("type") == 1:
            for j, child in enumerate(top.get("components") or []):
                if child.get("type") == 4:
                    found.append((("data", "components", i, "components", j), child, child.get("label")))
        elif top.get("type") == 18 and (top.get("component") or {}).get("type") == 4:
            found.append((("data", "components", i), top["component"], top.get("label")))
    return found


def check_modal(data: Any) -> Errors:
    errors: Errors = {}
    data = data or {}
    _bad_len(errors, ("data", "title"), data.get("title"), 1, MODAL_TITLE_MAX)
    _bad_len(errors, ("data", "custom_id"), data.get("custom_id"), 1, CUSTOM_ID_MAX)
    components = data.get("components") or []
    if not components:
        add_error(errors, ("data", "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    _max_len(errors, ("data", "components"), components, MODAL_INPUTS_MAX)
    inputs = modal_text_inputs(components)
    if len(inputs) > MODAL_INPUTS_MAX:
        add_error(errors, ("data", "components"), "BASE_TYPE_MAX_LENGTH", f"Must be {MODAL_INPUTS_MAX} or fewer in length.")
    for path, text_input, label in inputs:
        _bad_len(errors, (*path, "label"), label, 1, MODAL_LABEL_MAX)
        _bad_len(errors, (*path, "custom_id"), text_input.get("custom_id"), 1, CUSTOM_ID_MAX)
        _max_len(errors, (*path, "placeholder"), text_input.get("placeholder"), TEXT_INPUT_PLACEHOLDER_MAX)
        value, low, high = text_input.get("value"), text_input.get("min_length"), text_input.get("max_length")
        _max_len(errors, (*path, "value"), value, TEXT_INPUT_VALUE_MAX)
        if isinstance(value, str) and isinstance(high, int) and len(value) > high:
            add_error(errors, (*path, "value"), "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
        if low is not None and not (isinstance(low, int) and 0 <= low <= TEXT_INPUT_VALUE_MAX):
            add_error(errors, (*path, "min_length"), "NUMBER_TYPE_MAX", f"Must be between 0 and {TEXT_INPUT_VALUE_MAX}.")
        if high is not None and not (isinstance(high, int) and 1 <= high <= TEXT_INPUT_VALUE_MAX):
            add_error(errors, (*path, "max_length"), "NUMBER_TYPE_MAX", f"Must be between 1 and {TEXT_INPUT_VALUE_MAX}.")
    for i, top in enumerate(components):
        if top.get("type") == 18:
            _max_len(errors, ("data", "components", i, "description"), top.get("description"), 100)
    return errors


# --------------------------------------------------------------------------- application commands


def _check_name(errors: Errors, path: tuple[Any, ...], name: Any, chat_input: bool) -> None:
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_MAX:
        _bad_len(errors, path, name, 1, COMMAND_NAME_MAX)
    elif chat_input and (not _COMMAND_NAME_RE.match(name) or name != name.lower()):
        add_error(errors, path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")


def _command_chars(obj: dict[str, Any]) -> int:
    total = len(obj.get("name") or "") + len(obj.get("description") or "")
    for choice in obj.get("choices") or []:
        total += len(choice.get("name") or "") + len(str(choice.get("value") or ""))
    return total + sum(_command_chars(o) for o in obj.get("options") or [])


def _check_options(errors: Errors, base: tuple[Any, ...], options: Any, depth: int) -> None:
    if not isinstance(options, list):
        return
    _max_len(errors, base, options, COMMAND_OPTIONS_MAX)
    kinds = {"sub" if o.get("type") in (1, 2) else "value" for o in options}
    if len(kinds) > 1:
        add_error(errors, base, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                  "Sub-command and sub-command group option types are mutually exclusive to all other types")
    seen_optional = False
    names = set()
    for i, opt in enumerate(options):
        p = (*base, i)
        otype = opt.get("type")
        _check_name(errors, (*p, "name"), opt.get("name"), True)
        _bad_len(errors, (*p, "description"), opt.get("description"), 1, COMMAND_DESCRIPTION_MAX)
        if opt.get("name") in names:
            add_error(errors, (*p, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
        names.add(opt.get("name"))
        if otype == 2 and depth != 0 or otype == 1 and depth > 1:
            add_error(errors, (*p, "type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Sub-commands cannot be nested this deep")
        if otype == 2 and any(o.get("type") != 1 for o in opt.get("options") or []):
            add_error(errors, (*p, "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                      "Sub-command groups may only contain sub-commands")
        if otype not in (1, 2):
            if opt.get("required"):
                if seen_optional:
                    add_error(errors, (*p, "required"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                              "Required options must be placed before non-required options")
            else:
                seen_optional = True
        choices = opt.get("choices")
        if choices:
            if opt.get("autocomplete"):
                add_error(errors, (*p, "autocomplete"), "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                          "Autocomplete cannot be used with choices")
            _max_len(errors, (*p, "choices"), choices, COMMAND_CHOICES_MAX)
            for k, choice in enumerate(choices):
                _bad_len(errors, (*p, "choices", k, "name"), choice.get("name"), 1, CHOICE_NAME_MAX)
                if isinstance(choice.get("value"), str):
                    _bad_len(errors, (*p, "choices", k, "value"), choice["value"], 1, CHOICE_STRING_VALUE_MAX)
        _check_options(errors, (*p, "options"), opt.get("options"), depth + 1)


def check_commands(commands: Any) -> Errors:
    """Validate a bulk-overwrite body (a list of command objects)."""
    errors: Errors = {}
    if not isinstance(commands, list):
        add_error(errors, (), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return errors
    seen: set[tuple[int, str]] = set()
    per_type: dict[int, int] = {}
    for i, cmd in enumerate(commands):
        ctype = int(cmd.get("type", 1))
        per_type[ctype] = per_type.get(ctype, 0) + 1
        key = (ctype, cmd.get("name"))
        if key in seen:
            add_error(errors, (i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
        seen.add(key)
        _check_name(errors, (i, "name"), cmd.get("name"), ctype == 1)
        if ctype == 1:
            _bad_len(errors, (i, "description"), cmd.get("description"), 1, COMMAND_DESCRIPTION_MAX)
            _check_options(errors, (i, "options"), cmd.get("options") or [], 0)
            if _command_chars(cmd) > COMMAND_TOTAL_CHARS_MAX:
                add_error(errors, (i,), "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)")
        elif cmd.get("description"):
            add_error(errors, (i, "description"), "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                      "Context menu commands cannot have description")
    for ctype, count in per_type.items():
        if count > COMMANDS_PER_TYPE_MAX:
            add_error(errors, (), "APPLICATION_COMMANDS_LIMIT", f"Maximum number of application commands reached ({COMMANDS_PER_TYPE_MAX})")
    return errors
