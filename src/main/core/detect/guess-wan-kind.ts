// Guesses what kind of uplink an interface is (ethernet, repeater, tethering, cellular) from the
// netifd protocol, what the kernel says about the device, and its name. A guess the user can change.
import type { WanKind } from '../../../shared/model.ts';

export interface WanKindHints {
  /** Kernel device: `eth1`, `wlan0`, `usb0`, `wwan0`, `pppoe-wan`, `phy0-sta0`. */
  readonly device?: string | undefined;
  /** OpenWrt logical interface: `wan`, `wwan`, `tethering`, `modem_1_1_2`. */
  readonly name?: string | undefined;
  /** netifd protocol: `dhcp`, `static`, `pppoe`, `qmi`, `mbim`, `ncm`, `3g`, `modemmanager`. */
  readonly proto?: string | undefined;
  /** DEVTYPE from /sys/class/net/X/uevent: `wlan`, `wwan`, `bridge`, `vlan`. */
  readonly devtype?: string | undefined;
  /** Kernel driver of the device: `rndis_host`, `qmi_wwan`, `ipheth`, `virtio_net`. */
  readonly driver?: string | undefined;
  /** /sys/class/net/X/wireless exists. */
  readonly wireless?: boolean | undefined;
}

export interface WanKindGuess {
  readonly kind: WanKind;
  readonly reason: string;
}

const cellularProtos = new Set(['qmi', 'ncm', 'mbim', '3g', 'modemmanager', 'wwan', 'directip', 'uqmi']);
// Drivers that only ever carry a modem or a phone; cdc_ether/cdc_ncm are left out because USB
// Ethernet adapters and modems share them.
const cellularDrivers = new Set(['qmi_wwan', 'cdc_mbim', 'huawei_cdc_ncm', 'sierra_net', 'mhi_net', 'option']);
const tetheringDrivers = new Set(['rndis_host', 'ipheth']);

/** First matching rule wins; the order is the point (a qmi proto beats an `eth` name). */
export function guessWanKind(h: WanKindHints): WanKindGuess {
  const dev = h.device?.toLowerCase() ?? '';
  const name = h.name?.toLowerCase() ?? '';
  const proto = h.proto?.toLowerCase();

  if (proto !== undefined && cellularProtos.has(proto)) return { kind: 'cellular', reason: `protocol ${proto} is a cellular modem` };
  if (proto === 'pppoe' || proto === 'pppoa') return { kind: 'ethernet', reason: `protocol ${proto} runs over a wired line` };

  if (h.devtype === 'wwan') return { kind: 'cellular', reason: 'the kernel calls the device a wwan device' };
  if (h.driver !== undefined && cellularDrivers.has(h.driver)) return { kind: 'cellular', reason: `driver ${h.driver} is a cellular modem driver` };
  if (h.driver !== undefined && tetheringDrivers.has(h.driver)) return { kind: 'tethering', reason: `driver ${h.driver} is a phone's USB tethering` };
  if (h.devtype === 'wlan' || h.wireless === true) return { kind: 'repeater', reason: 'the device is a Wi-Fi interface (Wi-Fi client uplink)' };

  if (dev !== '') {
    // pppoe- before ppp: `pppoe-wan` is a wired PPPoE session, `ppp0` usually a modem dial-up.
    if (dev.startsWith('pppoe-')) return { kind: 'ethernet', reason: `device ${h.device} is a PPPoE session over a wired line` };
    if (/^(wwan|wwp|qmi|3g-|ppp|rmnet|mhi)/.test(dev)) return { kind: 'cellular', reason: `device name ${h.device} is a modem's` };
    if (/^(wl|phy\d+-sta|apcli)/.test(dev)) return { kind: 'repeater', reason: `device name ${h.device} is a Wi-Fi interface's` };
    if (/^(usb|rndis)/.test(dev)) {
      return { kind: 'tethering', reason: proto === 'dhcp' ? `device ${h.device} gets its address by DHCP from a phone over USB` : `device name ${h.device} is USB tethering's` };
    }
    if (/^enx/.test(dev)) return { kind: 'ethernet', reason: `device name ${h.device} is a USB Ethernet adapter's (named by MAC)` };
    if (/^(eth|en|lan|wan)/.test(dev)) return { kind: 'ethernet', reason: `device name ${h.device} is an Ethernet port's` };
  }

  if (name !== '') {
    if (/^(tether|usb)/.test(name)) return { kind: 'tethering', reason: `interface name ${h.name} suggests tethering` };
    if (/^(modem|lte|4g|5g|cell|mobile)/.test(name)) return { kind: 'cellular', reason: `interface name ${h.name} suggests a modem` };
    // OpenWrt's convention (LuCI "Join network", GL.iNet): `wwan` is the Wi-Fi client uplink.
    if (/^(wwan|sta|repeater)/.test(name)) return { kind: 'repeater', reason: `interface name ${h.name} is OpenWrt's Wi-Fi client uplink` };
    if (/^wan/.test(name)) return { kind: 'ethernet', reason: `interface name ${h.name} is a wired WAN's` };
  }

  return { kind: 'ethernet', reason: 'no rule matched; assumed Ethernet' };
}
