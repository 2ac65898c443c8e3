#pragma once
#include <sqlite3.h>

// SQLITE_TRANSIENT is a function-like cast macro Swift cannot import.
static inline sqlite3_destructor_type erc_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// Extended result codes are macros built with `|` and `<<`, which Swift does not import.
static const int ERC_SQLITE_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT_UNIQUE;
static const int ERC_SQLITE_CONSTRAINT_PRIMARYKEY = SQLITE_CONSTRAINT_PRIMARYKEY;
static const int ERC_SQLITE_CONSTRAINT_FOREIGNKEY = SQLITE_CONSTRAINT_FOREIGNKEY;
