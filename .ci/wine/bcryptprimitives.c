/* A test-rig shim for Wine 8.0, never shipped with Carers Desk.
 *
 * Rust's standard library (1.78 and later) gets random bytes on Windows from ProcessPrng in
 * bcryptprimitives.dll. Windows 10 and 11 have it; Wine 8.0 (Debian 12) does not, so every
 * Rust program exits at once with code 53 (DLL not found). This DLL exports ProcessPrng and
 * answers it from RtlGenRandom (SystemFunction036 in advapi32), which Wine does have.
 * .ci/deps builds it with mingw-w64 and copies it into the test Wine prefix's system32. */
#include <windows.h>

typedef BOOLEAN(WINAPI *rtl_gen_random)(PVOID, ULONG);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    static rtl_gen_random gen;
    if (!gen) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (!advapi)
            return FALSE;
        gen = (rtl_gen_random)(void *)GetProcAddress(advapi, "SystemFunction036");
        if (!gen)
            return FALSE;
    }
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!gen(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
