-- Why a campaign is in its status when the system put it there: FAILED with the dispatch job's reason (its audience
-- could not be read). Empty for the steps a marketer takes.
ALTER TABLE campaigns ADD COLUMN status_reason VARCHAR(500) NULL AFTER status;
