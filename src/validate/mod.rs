//! Will an object load here: one file per check family.
