/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stable diagnostic codes of sigmac-c. Each entry is
 *   SC_CODE(NAME, NUMBER, SEVERITY, "summary")
 * NUMBER is part of the user-facing contract (JSON and SARIF output, CI
 * allow-lists): a code is never renumbered, reused or removed; new codes get
 * new numbers. NAME is printed in text output. compiler/DIAGNOSTICS.md
 * documents every code with an example; a test keeps the two in step.
 *
 * Ranges: 1xx input and YAML, 2xx rule metadata, 3xx detection and values,
 * 4xx condition, 5xx correlation, 6xx filter, 7xx placeholders, 8xx IOC
 * feeds and YARA rules, 9xx limits and internal errors.
 */

/* Input files and YAML */
SC_CODE(SC_E_IO, 100, ERROR, "input file cannot be read")
SC_CODE(SC_E_YAML_SYNTAX, 101, ERROR, "YAML syntax error")
SC_CODE(SC_E_YAML_BAD_UTF8, 102, ERROR, "input is not valid UTF-8 (or contains characters YAML forbids)")
SC_CODE(SC_E_YAML_DUPLICATE_KEY, 103, ERROR, "duplicate key in a YAML mapping")
SC_CODE(SC_E_YAML_COMPLEX_KEY, 104, ERROR, "mapping key is not a scalar")
SC_CODE(SC_E_YAML_ALIAS, 105, ERROR, "undefined YAML alias, or aliases expanding beyond the limit")
SC_CODE(SC_E_YAML_DEPTH, 106, ERROR, "YAML nesting deeper than the limit")
SC_CODE(SC_E_DOC_NOT_MAP, 107, ERROR, "YAML document is not a mapping")
SC_CODE(SC_W_NO_INPUT, 150, WARNING, "path holds no .yml/.yaml file")
SC_CODE(SC_W_YAML11_SCALAR, 151, WARNING, "plain scalar that YAML 1.1 (PyYAML) would read as a boolean")
SC_CODE(SC_W_EMPTY_DOC, 152, WARNING, "empty YAML document ignored")

/* Rule metadata and document kinds */
SC_CODE(SC_E_DOC_KIND, 200, ERROR, "document is neither a rule, a correlation nor a filter")
SC_CODE(SC_E_MISSING_TITLE, 201, ERROR, "required key 'title' is missing")
SC_CODE(SC_E_MISSING_LOGSOURCE, 202, ERROR, "required key 'logsource' is missing")
SC_CODE(SC_E_MISSING_DETECTION, 203, ERROR, "required key 'detection' is missing")
SC_CODE(SC_E_BAD_TYPE, 204, ERROR, "value has the wrong YAML type for its key")
SC_CODE(SC_E_BAD_UUID, 205, ERROR, "value is not a UUID")
SC_CODE(SC_E_BAD_DATE, 206, ERROR, "date is not a valid YYYY-MM-DD calendar date")
SC_CODE(SC_E_BAD_STATUS, 207, ERROR, "unknown status")
SC_CODE(SC_E_BAD_LEVEL, 208, ERROR, "unknown level")
SC_CODE(SC_E_BAD_TAG, 209, ERROR, "tag is not namespace.name in lower case")
SC_CODE(SC_E_TOO_LONG, 210, ERROR, "string longer than the specification allows")
SC_CODE(SC_E_BAD_RELATED, 211, ERROR, "related entry without a valid id or type")
SC_CODE(SC_E_EMPTY_STRING, 212, ERROR, "empty string where a value is required")
SC_CODE(SC_E_LOGSOURCE_EMPTY, 213, ERROR, "logsource has none of category, product, service")
SC_CODE(SC_E_DUPLICATE_ID, 214, ERROR, "rule id used by another rule")
SC_CODE(SC_E_DUPLICATE_NAME, 215, ERROR, "rule name used by another rule")
SC_CODE(SC_E_V1_COLLECTION, 216, ERROR, "Sigma v1 rule collection (action: global/reset/repeat) is not supported")
/* 217 retired before release (never emitted); never reuse it. */
SC_CODE(SC_W_STATUS_DEPRECATED, 250, WARNING, "rule status is deprecated")
SC_CODE(SC_W_STATUS_UNSUPPORTED, 251, WARNING, "rule status is unsupported")
SC_CODE(SC_W_DUPLICATE_ENTRY, 252, WARNING, "the same entry twice in a list that should hold unique values")
SC_CODE(SC_W_MODIFIED_DATE, 253, WARNING, "modified date is before the creation date")
SC_CODE(SC_W_CUSTOM_KEY_TYPO, 254, WARNING, "custom key looks like a misspelt standard key")
SC_CODE(SC_W_V1_TIMEFRAME, 255, WARNING, "legacy 'timeframe' in detection has no effect (correlations replace it)")
SC_CODE(SC_W_NO_ID, 256, WARNING, "rule has no id")
SC_CODE(SC_W_V1_DATE, 257, WARNING, "date in the Sigma v1 format YYYY/MM/DD")

/* Detection, modifiers and values */
SC_CODE(SC_E_DETECTION_EMPTY, 300, ERROR, "detection defines no search identifier, or a selection is empty")
SC_CODE(SC_E_SELECTION_TYPE, 301, ERROR, "unsupported structure in a search identifier")
SC_CODE(SC_E_UNKNOWN_MODIFIER, 302, ERROR, "unknown modifier")
SC_CODE(SC_E_MODIFIER_POSITION, 303, ERROR, "modifier must come first in the chain")
SC_CODE(SC_E_MODIFIER_TYPE, 304, ERROR, "modifier does not apply to this type of value")
SC_CODE(SC_E_MODIFIER_COMBINATION, 305, ERROR, "invalid combination of modifiers")
SC_CODE(SC_E_NULL_IN_LIST, 306, ERROR, "null inside a value list")
SC_CODE(SC_E_KEYWORD_NULL, 307, ERROR, "null value without a field")
SC_CODE(SC_E_ALL_SINGLE_VALUE, 308, ERROR, "'all' modifier on a single value")
SC_CODE(SC_E_EXISTS_VALUE, 309, ERROR, "'exists' needs a boolean value")
SC_CODE(SC_E_EXISTS_NO_FIELD, 310, ERROR, "'exists' needs a field")
SC_CODE(SC_E_WILDCARD_NOT_ALLOWED, 311, ERROR, "wildcards are not allowed with this modifier")
SC_CODE(SC_E_BAD_CIDR, 312, ERROR, "value is not an IPv4 or IPv6 network")
SC_CODE(SC_E_CIDR_HOST_BITS, 313, ERROR, "CIDR network has host bits set")
SC_CODE(SC_E_BAD_REGEX, 314, ERROR, "invalid regular expression")
SC_CODE(SC_E_REGEX_UNSUPPORTED, 315, ERROR, "regular expression construct that no DFA can match (lookaround, backreference, ...)")
SC_CODE(SC_E_BAD_NUMBER, 316, ERROR, "modifier needs a number")
SC_CODE(SC_E_EXPANSION_LIMIT, 317, ERROR, "value expands into more variants than the limit")
SC_CODE(SC_E_BAD_FIELD, 318, ERROR, "field name is empty or malformed")
SC_CODE(SC_E_BAD_ENCODING_INPUT, 319, ERROR, "value cannot be encoded as the modifier asks")
SC_CODE(SC_E_FIELDREF_SELF, 320, ERROR, "field reference without a field to compare")
SC_CODE(SC_W_DANGLING_DETECTION, 350, WARNING, "search identifier is never used by the condition")
SC_CODE(SC_W_ALL_WITHOUT_CONTAINS, 351, WARNING, "field-bound 'all' without 'contains' can only match if all values are equal")
SC_CODE(SC_W_DOUBLE_WILDCARD, 352, WARNING, "value contains '**'")
SC_CODE(SC_W_NUMBER_AS_STRING, 353, WARNING, "number written as a string")
SC_CODE(SC_W_REGEX_LIKE_VALUE, 354, WARNING, "plain value looks like a regular expression (missing '|re'?)")

/* Condition */
SC_CODE(SC_E_MISSING_CONDITION, 400, ERROR, "detection has no condition")
SC_CODE(SC_E_COND_TYPE, 401, ERROR, "condition is not a string or a list of strings")
SC_CODE(SC_E_COND_SYNTAX, 402, ERROR, "condition syntax error")
SC_CODE(SC_E_COND_PAREN, 403, ERROR, "unbalanced parentheses in condition")
SC_CODE(SC_E_COND_UNDEFINED, 404, ERROR, "condition names an undefined search identifier")
SC_CODE(SC_E_COND_PATTERN_EMPTY, 405, ERROR, "'x of' pattern matches no search identifier")
SC_CODE(SC_E_COND_QUANTIFIER, 406, ERROR, "quantifier other than 1, any or all")
SC_CODE(SC_E_COND_PIPE, 407, ERROR, "pipe aggregation in condition (Sigma v1); correlations replace it")
SC_CODE(SC_E_COND_EMPTY, 408, ERROR, "empty condition")
SC_CODE(SC_E_COND_DEPTH, 409, ERROR, "condition nested deeper than the limit")
SC_CODE(SC_W_COND_THEM_SINGLE, 450, WARNING, "'of them' over a single search identifier")

/* Correlation documents */
SC_CODE(SC_E_CORR_TYPE, 500, ERROR, "correlation type missing or unknown")
SC_CODE(SC_E_CORR_RULES, 501, ERROR, "correlation 'rules' missing or not a list of rule ids/names")
SC_CODE(SC_E_CORR_TIMESPAN, 502, ERROR, "correlation timespan missing or not <number><s|m|h|d|w|M|y>")
SC_CODE(SC_E_CORR_CONDITION, 503, ERROR, "correlation condition invalid")
SC_CODE(SC_E_CORR_FIELD, 504, ERROR, "value correlation without 'field'")
SC_CODE(SC_E_CORR_GROUP_BY, 505, ERROR, "correlation group-by is not a list of field names")
SC_CODE(SC_E_CORR_ALIASES, 506, ERROR, "correlation aliases invalid")
SC_CODE(SC_E_CORR_GENERATE, 507, ERROR, "correlation 'generate' is not a boolean")
SC_CODE(SC_E_CORR_UNKNOWN_RULE, 508, ERROR, "correlation references a rule that is not among the inputs")
SC_CODE(SC_E_CORR_CYCLE, 509, ERROR, "correlations reference each other in a cycle")
SC_CODE(SC_E_CORR_NOT_COMPILED, 510, ERROR, "correlation rules are validated but not compiled yet")
SC_CODE(SC_E_CORR_KEY, 511, ERROR, "unknown key in correlation")
SC_CODE(SC_W_CORR_NO_GROUP_BY, 550, WARNING, "correlation without group-by counts across all events")
SC_CODE(SC_W_CORR_SINGLE_RULE, 551, WARNING, "temporal correlation over a single rule")

/* Filter documents */
SC_CODE(SC_E_FILTER_MISSING, 600, ERROR, "filter document without a 'filter' mapping")
SC_CODE(SC_E_FILTER_RULES, 601, ERROR, "filter 'rules' missing or not a list of rule ids/names")
SC_CODE(SC_E_FILTER_CONDITION, 602, ERROR, "filter condition must be exactly one string")
SC_CODE(SC_E_FILTER_NOT_COMPILED, 603, ERROR, "filters are validated but not compiled yet")
SC_CODE(SC_E_FILTER_KEY, 604, ERROR, "key not allowed in a filter document")
SC_CODE(SC_W_FILTER_UNKNOWN_RULE, 650, WARNING, "filter names a rule that is not among the inputs")

/* Placeholders */
SC_CODE(SC_E_PLACEHOLDER_UNRESOLVED, 700, ERROR, "placeholder has no value (no --placeholders file, or name not in it)")
SC_CODE(SC_E_PLACEHOLDERS_FILE, 701, ERROR, "placeholders file is malformed")

/* IOC feeds (--ioc) and YARA rules (--yara) */
SC_CODE(SC_E_IOC_FILE_TYPE, 800, ERROR, "IOC feed type cannot be told from its name or a CSV header")
SC_CODE(SC_E_IOC_CSV_HEADER, 801, ERROR, "CSV IOC feed without the header 'type,value,comment'")
SC_CODE(SC_E_IOC_CSV_SYNTAX, 802, ERROR, "CSV IOC row with too few fields or an unclosed quote")
SC_CODE(SC_E_IOC_BAD_TYPE, 803, ERROR, "unknown indicator type in a CSV IOC feed")
SC_CODE(SC_E_IOC_BAD_HASH, 804, ERROR, "hash is not hex of the length of MD5, SHA1 or SHA256 (or of its type)")
SC_CODE(SC_E_IOC_BAD_IP, 805, ERROR, "value is not an IPv4 or IPv6 address or network")
SC_CODE(SC_E_IOC_BAD_DOMAIN, 806, ERROR, "value is not a domain name")
SC_CODE(SC_E_IOC_BAD_PATH, 807, ERROR, "path pattern is empty, too long or holds control characters")
SC_CODE(SC_E_YARA_SYNTAX, 820, ERROR, "YARA rule file does not compile")
SC_CODE(SC_E_YARA_UNAVAILABLE, 821, ERROR, "YARA rules given to a sigmac-c built without libyara")
SC_CODE(SC_W_IOC_DUPLICATE, 850, WARNING, "indicator listed twice")
SC_CODE(SC_W_IOC_CIDR_HOST_BITS, 851, WARNING, "IOC network has host bits set (they are ignored)")
SC_CODE(SC_W_IOC_EMPTY_FEED, 852, WARNING, "IOC feed holds no indicator")
SC_CODE(SC_W_YARA_WARNING, 853, WARNING, "YARA compiler warning")
SC_CODE(SC_W_YARA_NO_INPUT, 854, WARNING, "--yara path holds no .yar/.yara file")

/* Limits and internal errors */
SC_CODE(SC_E_LIMIT, 900, ERROR, "input exceeds a compiler limit")
SC_CODE(SC_E_INTERNAL, 901, ERROR, "internal compiler error")
