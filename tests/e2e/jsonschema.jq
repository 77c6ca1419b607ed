# jsonschema.jq: a JSON Schema checker in jq for the subset docs/report.schema.json uses: type,
# const, enum, required, properties, additionalProperties: false, items (one schema), minItems,
# maxItems, minimum, and $ref to "#/$defs/NAME". jq is all CI needs (no python, no node).
# Usage: jq -r --slurpfile s SCHEMA -f jsonschema.jq DOC
# Prints one line per violation ("$.path: message"); nothing when DOC is valid.
def typeok($t):
  if $t == "integer" then (type == "number" and . == floor)
  else type == $t end;

def check($root; $s; $p):
  . as $v
  | if $s["$ref"] != null then check($root; $root["$defs"][$s["$ref"] | ltrimstr("#/$defs/")]; $p)
    else
      (if $s.type != null then
         (($s.type | if type == "array" then . else [.] end) as $ts
          | if ([$ts[] as $t | $v | typeok($t)] | any) then empty
            else "\($p): expected \($ts | join(" or ")), got \($v | type)" end)
       else empty end),
      (if $s | has("const") then
         (if $v == $s.const then empty else "\($p): expected \($s.const | tojson)" end)
       else empty end),
      (if $s.enum != null then
         (if any($s.enum[]; . == $v) then empty
          else "\($p): \($v | tojson) is not one of \($s.enum | tojson)" end)
       else empty end),
      (if $s.minimum != null and ($v | type) == "number" and $v < $s.minimum then
         "\($p): \($v) is below the minimum \($s.minimum)" else empty end),
      (if ($v | type) == "object" then
         (($s.required // [])[] as $k
          | if $v | has($k) then empty else "\($p): missing \"\($k)\"" end),
         (($s.properties // {}) | to_entries[] as $e
          | if $v | has($e.key) then ($v[$e.key] | check($root; $e.value; "\($p).\($e.key)"))
            else empty end),
         (if $s.additionalProperties == false then
            ($v | keys[] as $k
             | if ($s.properties // {}) | has($k) then empty else "\($p).\($k): not allowed" end)
          else empty end)
       else empty end),
      (if ($v | type) == "array" then
         (if $s.minItems != null and ($v | length) < $s.minItems then
            "\($p): fewer than \($s.minItems) items" else empty end),
         (if $s.maxItems != null and ($v | length) > $s.maxItems then
            "\($p): more than \($s.maxItems) items" else empty end),
         (if $s.items != null then
            (range(0; $v | length) as $i | ($v[$i] | check($root; $s.items; "\($p)[\($i)]")))
          else empty end)
       else empty end)
    end;

$s[0] as $schema | check($schema; $schema; "$")
