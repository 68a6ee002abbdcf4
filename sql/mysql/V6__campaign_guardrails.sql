-- Guardrails: the thresholds at which a running campaign halts itself (JSON of the API's guardrails object; NULL:
-- the defaults), and the moment from which they look (set when a marketer resumes a halted campaign, so what made
-- it halt does not halt it again at once; NULL: from the start).
ALTER TABLE campaigns ADD COLUMN guardrails_json VARCHAR(1000) NULL AFTER frequency_cap_period_seconds;
ALTER TABLE campaigns ADD COLUMN guardrails_since DATETIME(3) NULL AFTER guardrails_json;
