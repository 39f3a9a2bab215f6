// Plain-language validation messages. The core reports violations in the service model's
// wording ("Value 'null' at 'domain' failed to satisfy constraint: Member must not be null");
// a person filling in a form gets the rule instead.

/** The rule of each CopyPackageVersions member, as a person reads it. */
export const RULES = {
  domain: "2–50 characters: lowercase letters, digits and hyphens, starting with a letter",
  domainOwner: "the 12-digit AWS account ID that owns the domain",
  sourceRepository: "2–100 characters: letters, digits, dots, underscores and hyphens",
  destinationRepository: "2–100 characters: letters, digits, dots, underscores and hyphens",
  format: "one of npm, pypi, maven, nuget, generic, ruby, swift, cargo",
  namespace: "1–255 characters, without spaces, # or /",
  package: "1–255 characters, without spaces, # or /",
  versions: "each version 1–255 characters, without spaces, # or /; one per line or comma-separated",
};

/** One violation of `member` (a core field error's message) in plain language. */
export function plainMessage(member, label, message) {
  if (/must not be null/.test(message)) {
    if (member === "versions") return "Versions: name at least one version.";
    return `${label}: required.`;
  }
  if (/length greater than or equal to 1\b/.test(message) && member === "versions") {
    return "Versions: name at least one version.";
  }
  if (/length less than or equal to 100\b/.test(message) && member === "versions") {
    return "Versions: one copy takes at most 100 versions. Copy them in groups of 100 or fewer.";
  }
  if (/duplicate versions/.test(message)) return "Versions: a version is listed twice.";
  if (/regular expression pattern|have length/.test(message) && RULES[member]) {
    return `${label}: ${RULES[member]}.`;
  }
  // Anything else (a namespace the format does not have, …) already names its rule.
  const rule = message.replace(/^Value '.*?' at '.*?' failed to satisfy constraint: /, "");
  return `${label}: ${rule.replace(/^Member must /, "must ")}`;
}

/** Versions typed one per line or separated by commas, trimmed, without empty entries. */
export const splitVersions = (text) =>
  String(text ?? "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
