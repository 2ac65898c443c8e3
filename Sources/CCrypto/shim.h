#pragma once
// OpenSSL's libcrypto, for SHA-256 of large files (hardware SHA extensions where the CPU has them).
#include <openssl/evp.h>
