-- The vocabulary terms nearest to a misspelled word, best first. The trigram similarity they
-- need is this function's own setting: `%` (which can use the terms' trigram index) reads
-- pg_trgm.similarity_threshold, and setting it here, for the call only, spares every search
-- a transaction of its own (begin, set_config, commit: three round trips) just to set it.
CREATE FUNCTION discovery_similar_terms(word text, max_terms integer) RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE STRICT
  SET pg_trgm.similarity_threshold = 0.25
  BEGIN ATOMIC
    SELECT array(SELECT v.term FROM discovery_terms v WHERE v.term % word
                  ORDER BY similarity(v.term, word) DESC, v.term LIMIT max_terms);
  END;
