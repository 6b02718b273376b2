-- `audit verify` (and `backup verify`) compare each batch's index rows with its records: look
-- them up by batch instead of scanning the whole index once per batch.
CREATE INDEX audit_index_batch ON audit_index (first_seq);
