# v0v2.py N CMD : gateway B (18445): server JVM CPU and client CPU per git command, protocol v0 vs v2, alternating
import os, sys, re, subprocess, resource, time, statistics as st
D=os.environ.get('PROBE_DIR','/tmp/gitedge-probe')
N=int(sys.argv[1]); what=sys.argv[2]
tok=open(D+'/token').read().strip(); HZ=os.sysconf('SC_CLK_TCK')
port=int(os.environ.get('PORT','18445')); side='B' if port==18445 else 'A'
P=int(re.search(r'pid=(\d+)',subprocess.run(['ss','-ltnpH','sport = :%d'%port],capture_output=True,text=True).stdout).group(1))
def jcpu():
  x=open('/proc/%d/stat'%P).read().rsplit(')',1)[1].split(); return (int(x[11])+int(x[12]))/HZ
env={k:v for k,v in os.environ.items() if 'SSL' not in k and '_CA' not in k}
env.update(HOME=D+'/home',GIT_CONFIG_NOSYSTEM='1',GIT_SSL_CAINFO=D+'/gw%s/data/keys/tls.crt'%side)
url='https://127.0.0.1:%d/github.com/acme/small.git'%port
cfg=['-c','http.extraHeader=Authorization: Bearer '+tok]
def run(v):
  if what=='ls-remote': cmd=['git']+cfg+['-c','protocol.version='+v,'ls-remote',url]; cwd=None
  elif what=='mirror':
    subprocess.run(['rm','-rf',D+'/mm']); cmd=['git']+cfg+['-c','protocol.version='+v,'clone','-q','--mirror',url,D+'/mm']; cwd=None
  subprocess.run(cmd,env=env,stdout=subprocess.DEVNULL,check=True,cwd=cwd)
res={'0':[],'2':[]}
for i in range(N):
  for v in (('0','2') if i%2==0 else ('2','0')):
    r0=resource.getrusage(resource.RUSAGE_CHILDREN); c0=jcpu(); t=time.perf_counter()
    run(v)
    w=time.perf_counter()-t; c1=jcpu(); r1=resource.getrusage(resource.RUSAGE_CHILDREN)
    res[v].append(((c1-c0)*1e3,(r1.ru_utime+r1.ru_stime-r0.ru_utime-r0.ru_stime)*1e3,w*1e3))
for v,x in res.items():
  m=lambda i: st.median(y[i] for y in x)
  print('%s v%s: server JVM CPU %.1f ms, client CPU %.1f ms, wall %.1f ms (n=%d)'%(what,v,m(0),m(1),m(2),len(x)))
print('v0/v2: server CPU %.2f, client CPU %.2f, wall %.2f'%tuple(st.median(y[i] for y in res['0'])/st.median(y[i] for y in res['2']) for i in range(3)))
