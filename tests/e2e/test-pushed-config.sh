#!/bin/bash
# tests/e2e/test-pushed-config.sh: pushed DNS, domains, split routes, banner reach the client script. Runs in: bash (root).
#
# The config lines are the ones of /work/shared/data/capture-ocserv-test.conf (the pushed values
# are inert strings: nothing gets configured with them), and the expected values are what
# openconnect 9.01 exported from Debian's ocserv 1.1.6 in that capture.
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 1 \
	"default-domain = corp.example.com lab.example.com" \
	"dns = 192.168.99.1" "dns = fd00:99::1" "nbns = 192.168.99.2" \
	"split-dns = corp.example.com" "split-dns = lab.example.com" \
	"route = 10.0.0.0/8" "route = 172.16.0.0/255.240.0.0" "route = fd00:1::/64" \
	"no-route = 10.5.0.0/16" "tunnel-all-dns = false" 'banner = "Welcome to test VPN"'

e2e_client_up a 1 alice alicepass

check() { assert_eq "$2" "$(e2e_env a "$1")" "$1"; }
check INTERNAL_IP4_DNS "192.168.99.1 fd00:99::1"
check INTERNAL_IP4_NBNS "192.168.99.2"
check CISCO_DEF_DOMAIN "corp.example.com lab.example.com"
check CISCO_SPLIT_DNS "lab.example.com,corp.example.com"
check CISCO_BANNER "Welcome to test VPN"
check CISCO_SPLIT_INC 2
check CISCO_SPLIT_INC_0_ADDR 172.16.0.0
check CISCO_SPLIT_INC_0_MASK 255.240.0.0
check CISCO_SPLIT_INC_0_MASKLEN 12
check CISCO_SPLIT_INC_1_ADDR 10.0.0.0
check CISCO_SPLIT_INC_1_MASK 255.0.0.0
check CISCO_SPLIT_INC_1_MASKLEN 8
check CISCO_SPLIT_EXC 1
check CISCO_SPLIT_EXC_0_ADDR 10.5.0.0
check CISCO_SPLIT_EXC_0_MASK 255.255.0.0
check CISCO_SPLIT_EXC_0_MASKLEN 16
check CISCO_IPV6_SPLIT_INC 1
check CISCO_IPV6_SPLIT_INC_0_ADDR fd00:1::
check CISCO_IPV6_SPLIT_INC_0_MASKLEN 64
check IDLE_TIMEOUT 1200
check INTERNAL_IP4_NETADDR "$E2E_POOL4"
check INTERNAL_IP4_NETMASK 255.255.255.0
check INTERNAL_IP4_NETMASKLEN 24

ip4=$(e2e_env a INTERNAL_IP4_ADDRESS)
case "$ip4" in "${E2E_POOL4%.0}".*) ;; *) e2e_fail "INTERNAL_IP4_ADDRESS $ip4 not in $E2E_POOL4/24" ;; esac
ip6=$(e2e_env a INTERNAL_IP6_NETMASK)
case "$ip6" in "${E2E_POOL6%%::/64}":*/128) ;; *) e2e_fail "INTERNAL_IP6_NETMASK $ip6 not a /128 in $E2E_POOL6" ;; esac
mtu=$(e2e_env a INTERNAL_IP4_MTU)
if ! [ "$mtu" -ge 1200 ] 2>/dev/null || ! [ "$mtu" -le 1400 ]; then
	e2e_fail "INTERNAL_IP4_MTU '$mtu' not within 1200..1400 (mtu = 1400)"
fi
e2e_finish
