// Unverified against a running DRBD (except the first): the 8.4 module is not on this machine.
// Written from the format strings of drbd_proc.c in Linux 6.1 (drbd_seq_show:
// "%2d: cs:%s ro:%s/%s ds:%s/%s %c %c%c%c%c%c%c", then ns..oos; and
// drbd_syncer_progress: the bar, "sync'ed:%3u.%u%% (%lu/%lu)K",
// "finish: %lu:%02lu:%02lu speed: N (N)[ want: N] K/sec", thousands grouped
// by ","), with percentages and bars computed as that code computes them, for
// a 256 MiB volume (262132 KiB of data beside its internal metadata). A
// module's build tag line is "srcversion: %-24s". test/lab/storage-drbd.test.ts
// parses the real /proc/drbd of the lab's DRBD 8.4.11 while a sync runs.

/** After modprobe drbd, before any resource is up. Verified: a lab guest (Debian 12, Linux 6.1) printed this, byte for byte but for its srcversion. */
export const procDrbdNoResources = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n";

/** `drbdadm up` on the first node: waiting for the peer. */
export const procDrbdWaitingForPeer = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 0: cs:WFConnection ro:Secondary/Unknown ds:Inconsistent/DUnknown C r----s\n    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:262132\n";

/** Both nodes up, before primary --force. */
export const procDrbdConnectedInconsistent = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 0: cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent C r-----\n    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:262132\n";

/** The initial sync on the node made primary. */
export const procDrbdSyncSource = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n    ns:119492 nr:0 dw:0 dr:121540 al:8 bm:0 lo:0 pe:4 ua:0 ap:0 ep:1 wo:f oos:142640\n\t[========>...........] sync'ed: 46.9% (142640/262132)K\n\tfinish: 0:00:06 speed: 21,344 (19,916) K/sec\n";

/** The same sync on its peer (the target also shows the rate it wants). */
export const procDrbdSyncTarget = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----\n    ns:0 nr:119492 dw:119492 dr:0 al:8 bm:0 lo:1 pe:4 ua:1 ap:0 ep:1 wo:f oos:142640\n\t[========>...........] sync'ed: 46.9% (142640/262132)K\n\tfinish: 0:00:06 speed: 21,344 (19,916) want: 102,400 K/sec\n";

/** Just after primary --force. */
export const procDrbdStartOfSync = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n    ns:4096 nr:0 dw:0 dr:6144 al:8 bm:0 lo:0 pe:2 ua:0 ap:0 ep:1 wo:f oos:262132\n\t[>....................] sync'ed:  1.6% (262132/262132)K\n\tfinish: 0:04:22 speed: 1,000 (1,000) K/sec\n";

/** The sync done. */
export const procDrbdUpToDate = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n    ns:262132 nr:0 dw:0 dr:264180 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n";

/** A 100 GiB resync (over 4 GiB: counted in MiB) that has stalled. */
export const procDrbdLargeStalledResync = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 3: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----\n    ns:0 nr:20971520 dw:20971520 dr:0 al:0 bm:1280 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:83886080\n\t[===>................] sync'ed: 20.1% (81920/102400)M\n\tfinish: 1:09:54 speed: 0 (34,952) want: 1,048,576 K/sec (stalled)\n";

/** Minor 0 disconnected (no net config: the protocol is a space), 1 unconfigured, 2-3 unused (a blank line marks the gap), 4 waiting. */
export const procDrbdMixed = "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n 0: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown   r-----\n    ns:0 nr:0 dw:8192 dr:2048 al:2 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:8192\n 1: cs:Unconfigured\n\n 4: cs:WFConnection ro:Secondary/Unknown ds:Outdated/DUnknown C r-----\n    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:d oos:0\n";
