(module
 (type $0 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32)))
 (type $1 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
 (import "env" "memory" (memory $0 1 32768 shared))
 (export "gemm" (func $assembly/gemm/gemm))
 (export "memory" (memory $0))
 (func $assembly/gemm/tile4 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 i32)
  (local $9 v128)
  (local $10 v128)
  (local $11 v128)
  (local $12 v128)
  (local $13 v128)
  (local $14 v128)
  (local $15 v128)
  (local $16 v128)
  (local $17 v128)
  (local $18 i32)
  (local $19 i32)
  (local $20 i32)
  (local $21 i32)
  (local $22 v128)
  (local $23 v128)
  local.get $0
  local.get $1
  i32.add
  local.tee $19
  local.get $1
  i32.add
  local.tee $20
  local.get $1
  i32.add
  local.set $21
  i32.const 0
  local.set $1
  loop $for-loop|0
   local.get $4
   local.get $18
   i32.gt_s
   if
    local.get $10
    local.get $0
    local.get $1
    i32.add
    v128.load32_splat
    local.tee $22
    local.get $3
    v128.load
    local.tee $17
    f32x4.mul
    f32x4.add
    local.set $10
    local.get $9
    local.get $22
    local.get $3
    v128.load offset=16
    local.tee $22
    f32x4.mul
    f32x4.add
    local.set $9
    local.get $11
    local.get $1
    local.get $19
    i32.add
    v128.load32_splat
    local.tee $23
    local.get $17
    f32x4.mul
    f32x4.add
    local.set $11
    local.get $12
    local.get $23
    local.get $22
    f32x4.mul
    f32x4.add
    local.set $12
    local.get $13
    local.get $1
    local.get $20
    i32.add
    v128.load32_splat
    local.tee $23
    local.get $17
    f32x4.mul
    f32x4.add
    local.set $13
    local.get $14
    local.get $23
    local.get $22
    f32x4.mul
    f32x4.add
    local.set $14
    local.get $15
    local.get $1
    local.get $21
    i32.add
    v128.load32_splat
    local.tee $23
    local.get $17
    f32x4.mul
    f32x4.add
    local.set $15
    local.get $16
    local.get $23
    local.get $22
    f32x4.mul
    f32x4.add
    local.set $16
    local.get $18
    i32.const 1
    i32.add
    local.set $18
    local.get $1
    local.get $2
    i32.add
    local.set $1
    local.get $3
    i32.const 32
    i32.add
    local.set $3
    br $for-loop|0
   end
  end
  local.get $7
  i32.const 8
  i32.eq
  if
   local.get $5
   local.get $8
   if (result v128)
    local.get $9
    local.get $5
    v128.load offset=16
    f32x4.add
    local.set $9
    local.get $10
    local.get $5
    v128.load
    f32x4.add
   else
    local.get $10
   end
   v128.store
   local.get $5
   local.get $9
   v128.store offset=16
  else
   local.get $8
   if
    local.get $10
    local.get $5
    v128.load
    f32x4.add
    local.set $10
   end
   block $assembly/gemm/storeLanes|inlined.0
    i32.const 4
    local.get $7
    local.get $7
    i32.const 4
    i32.ge_s
    select
    local.tee $0
    i32.const 4
    i32.ge_s
    if
     local.get $5
     local.get $10
     v128.store
     br $assembly/gemm/storeLanes|inlined.0
    end
    local.get $0
    i32.const 0
    i32.gt_s
    if
     local.get $5
     local.get $10
     f32x4.extract_lane 0
     f32.store
    end
    local.get $0
    i32.const 1
    i32.gt_s
    if
     local.get $5
     local.get $10
     f32x4.extract_lane 1
     f32.store offset=4
    end
    local.get $0
    i32.const 2
    i32.gt_s
    if
     local.get $5
     local.get $10
     f32x4.extract_lane 2
     f32.store offset=8
    end
   end
   local.get $7
   i32.const 4
   i32.gt_s
   if
    block $assembly/gemm/storeLanes|inlined.1
     local.get $8
     if
      local.get $9
      local.get $5
      v128.load offset=16
      f32x4.add
      local.set $9
     end
     local.get $7
     i32.const 4
     i32.sub
     local.tee $0
     i32.const 4
     i32.ge_s
     if
      local.get $5
      local.get $9
      v128.store offset=16
      br $assembly/gemm/storeLanes|inlined.1
     end
     local.get $0
     i32.const 0
     i32.gt_s
     if
      local.get $5
      local.get $9
      f32x4.extract_lane 0
      f32.store offset=16
     end
     local.get $0
     i32.const 1
     i32.gt_s
     if
      local.get $5
      local.get $9
      f32x4.extract_lane 1
      f32.store offset=20
     end
     local.get $0
     i32.const 2
     i32.gt_s
     if
      local.get $5
      local.get $9
      f32x4.extract_lane 2
      f32.store offset=24
     end
    end
   end
  end
  local.get $5
  local.get $6
  i32.add
  local.set $0
  local.get $11
  local.set $10
  local.get $12
  local.set $9
  local.get $7
  i32.const 8
  i32.eq
  if
   local.get $0
   local.get $8
   if (result v128)
    local.get $9
    local.get $0
    v128.load offset=16
    f32x4.add
    local.set $9
    local.get $10
    local.get $0
    v128.load
    f32x4.add
   else
    local.get $10
   end
   v128.store
   local.get $0
   local.get $9
   v128.store offset=16
  else
   local.get $8
   if
    local.get $10
    local.get $0
    v128.load
    f32x4.add
    local.set $10
   end
   block $assembly/gemm/storeLanes|inlined.2
    i32.const 4
    local.get $7
    local.get $7
    i32.const 4
    i32.ge_s
    select
    local.tee $1
    i32.const 4
    i32.ge_s
    if
     local.get $0
     local.get $10
     v128.store
     br $assembly/gemm/storeLanes|inlined.2
    end
    local.get $1
    i32.const 0
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 0
     f32.store
    end
    local.get $1
    i32.const 1
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 1
     f32.store offset=4
    end
    local.get $1
    i32.const 2
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 2
     f32.store offset=8
    end
   end
   local.get $7
   i32.const 4
   i32.gt_s
   if
    block $assembly/gemm/storeLanes|inlined.3
     local.get $8
     if
      local.get $9
      local.get $0
      v128.load offset=16
      f32x4.add
      local.set $9
     end
     local.get $7
     i32.const 4
     i32.sub
     local.tee $1
     i32.const 4
     i32.ge_s
     if
      local.get $0
      local.get $9
      v128.store offset=16
      br $assembly/gemm/storeLanes|inlined.3
     end
     local.get $1
     i32.const 0
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 0
      f32.store offset=16
     end
     local.get $1
     i32.const 1
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 1
      f32.store offset=20
     end
     local.get $1
     i32.const 2
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 2
      f32.store offset=24
     end
    end
   end
  end
  local.get $5
  local.get $6
  i32.const 1
  i32.shl
  i32.add
  local.set $0
  local.get $13
  local.set $10
  local.get $14
  local.set $9
  local.get $7
  i32.const 8
  i32.eq
  if
   local.get $0
   local.get $8
   if (result v128)
    local.get $9
    local.get $0
    v128.load offset=16
    f32x4.add
    local.set $9
    local.get $10
    local.get $0
    v128.load
    f32x4.add
   else
    local.get $10
   end
   v128.store
   local.get $0
   local.get $9
   v128.store offset=16
  else
   local.get $8
   if
    local.get $10
    local.get $0
    v128.load
    f32x4.add
    local.set $10
   end
   block $assembly/gemm/storeLanes|inlined.4
    i32.const 4
    local.get $7
    local.get $7
    i32.const 4
    i32.ge_s
    select
    local.tee $1
    i32.const 4
    i32.ge_s
    if
     local.get $0
     local.get $10
     v128.store
     br $assembly/gemm/storeLanes|inlined.4
    end
    local.get $1
    i32.const 0
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 0
     f32.store
    end
    local.get $1
    i32.const 1
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 1
     f32.store offset=4
    end
    local.get $1
    i32.const 2
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 2
     f32.store offset=8
    end
   end
   local.get $7
   i32.const 4
   i32.gt_s
   if
    block $assembly/gemm/storeLanes|inlined.5
     local.get $8
     if
      local.get $9
      local.get $0
      v128.load offset=16
      f32x4.add
      local.set $9
     end
     local.get $7
     i32.const 4
     i32.sub
     local.tee $1
     i32.const 4
     i32.ge_s
     if
      local.get $0
      local.get $9
      v128.store offset=16
      br $assembly/gemm/storeLanes|inlined.5
     end
     local.get $1
     i32.const 0
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 0
      f32.store offset=16
     end
     local.get $1
     i32.const 1
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 1
      f32.store offset=20
     end
     local.get $1
     i32.const 2
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 2
      f32.store offset=24
     end
    end
   end
  end
  local.get $5
  local.get $6
  i32.const 3
  i32.mul
  i32.add
  local.set $0
  local.get $15
  local.set $10
  local.get $16
  local.set $9
  local.get $7
  i32.const 8
  i32.eq
  if
   local.get $0
   local.get $8
   if (result v128)
    local.get $9
    local.get $0
    v128.load offset=16
    f32x4.add
    local.set $9
    local.get $10
    local.get $0
    v128.load
    f32x4.add
   else
    local.get $10
   end
   v128.store
   local.get $0
   local.get $9
   v128.store offset=16
  else
   local.get $8
   if
    local.get $10
    local.get $0
    v128.load
    f32x4.add
    local.set $10
   end
   block $assembly/gemm/storeLanes|inlined.6
    i32.const 4
    local.get $7
    local.get $7
    i32.const 4
    i32.ge_s
    select
    local.tee $1
    i32.const 4
    i32.ge_s
    if
     local.get $0
     local.get $10
     v128.store
     br $assembly/gemm/storeLanes|inlined.6
    end
    local.get $1
    i32.const 0
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 0
     f32.store
    end
    local.get $1
    i32.const 1
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 1
     f32.store offset=4
    end
    local.get $1
    i32.const 2
    i32.gt_s
    if
     local.get $0
     local.get $10
     f32x4.extract_lane 2
     f32.store offset=8
    end
   end
   local.get $7
   i32.const 4
   i32.gt_s
   if
    block $assembly/gemm/storeLanes|inlined.7
     local.get $8
     if
      local.get $9
      local.get $0
      v128.load offset=16
      f32x4.add
      local.set $9
     end
     local.get $7
     i32.const 4
     i32.sub
     local.tee $1
     i32.const 4
     i32.ge_s
     if
      local.get $0
      local.get $9
      v128.store offset=16
      br $assembly/gemm/storeLanes|inlined.7
     end
     local.get $1
     i32.const 0
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 0
      f32.store offset=16
     end
     local.get $1
     i32.const 1
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 1
      f32.store offset=20
     end
     local.get $1
     i32.const 2
     i32.gt_s
     if
      local.get $0
      local.get $9
      f32x4.extract_lane 2
      f32.store offset=24
     end
    end
   end
  end
 )
 (func $assembly/gemm/gemm (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 i32) (param $9 i32) (param $10 i32) (param $11 i32) (param $12 i32) (param $13 i32)
  (local $14 i32)
  (local $15 i32)
  (local $16 v128)
  (local $17 v128)
  (local $18 i32)
  (local $19 i32)
  (local $20 i32)
  (local $21 i32)
  (local $22 i32)
  (local $23 i32)
  (local $24 i32)
  (local $25 i32)
  (local $26 i32)
  (local $27 v128)
  (local $28 i32)
  (local $29 i32)
  local.get $7
  i32.const 2
  i32.shl
  local.set $22
  local.get $8
  i32.eqz
  if
   loop $for-loop|0
    local.get $9
    local.get $10
    i32.lt_s
    if
     local.get $6
     local.get $9
     local.get $22
     i32.mul
     i32.add
     local.get $11
     i32.const 2
     i32.shl
     i32.add
     i32.const 0
     local.get $12
     local.get $11
     i32.sub
     i32.const 2
     i32.shl
     memory.fill
     local.get $9
     i32.const 1
     i32.add
     local.set $9
     br $for-loop|0
    end
   end
   return
  end
  local.get $1
  i32.const 2
  i32.shl
  local.set $24
  local.get $2
  i32.const 2
  i32.shl
  local.set $25
  i32.const 0
  local.set $2
  loop $for-loop|1
   local.get $2
   local.get $8
   i32.lt_s
   if
    local.get $2
    i32.const 0
    i32.gt_s
    local.set $23
    i32.const 256
    local.get $8
    local.get $2
    i32.sub
    local.tee $1
    local.get $1
    i32.const 256
    i32.gt_s
    select
    local.set $20
    local.get $13
    local.set $7
    local.get $11
    local.set $14
    loop $for-loop|00
     local.get $12
     local.get $14
     i32.gt_s
     if
      local.get $3
      local.get $2
      local.get $4
      i32.mul
      local.get $5
      local.get $14
      i32.mul
      i32.add
      i32.const 2
      i32.shl
      i32.add
      local.set $1
      local.get $4
      i32.const 2
      i32.shl
      local.set $21
      i32.const 8
      local.get $12
      local.get $14
      i32.sub
      local.tee $15
      local.get $15
      i32.const 8
      i32.gt_s
      select
      local.tee $26
      i32.const 8
      i32.eq
      local.get $5
      i32.const 1
      i32.eq
      i32.and
      if
       i32.const 0
       local.set $15
       loop $for-loop|11
        local.get $15
        local.get $20
        i32.lt_s
        if
         local.get $7
         local.get $1
         v128.load
         v128.store
         local.get $7
         local.get $1
         v128.load offset=16
         v128.store offset=16
         local.get $15
         i32.const 1
         i32.add
         local.set $15
         local.get $1
         local.get $21
         i32.add
         local.set $1
         local.get $7
         i32.const 32
         i32.add
         local.set $7
         br $for-loop|11
        end
       end
      else
       local.get $5
       i32.const 2
       i32.shl
       local.set $28
       i32.const 0
       local.set $19
       loop $for-loop|2
        local.get $19
        local.get $20
        i32.lt_s
        if
         local.get $1
         local.set $15
         i32.const 0
         local.set $18
         loop $for-loop|3
          local.get $18
          i32.const 8
          i32.lt_s
          if
           local.get $7
           local.get $18
           local.get $26
           i32.lt_s
           if (result f32)
            local.get $15
            f32.load
           else
            f32.const 0
           end
           f32.store
           local.get $18
           i32.const 1
           i32.add
           local.set $18
           local.get $15
           local.get $28
           i32.add
           local.set $15
           local.get $7
           i32.const 4
           i32.add
           local.set $7
           br $for-loop|3
          end
         end
         local.get $19
         i32.const 1
         i32.add
         local.set $19
         local.get $1
         local.get $21
         i32.add
         local.set $1
         br $for-loop|2
        end
       end
      end
      local.get $14
      i32.const 8
      i32.add
      local.set $14
      br $for-loop|00
     end
    end
    local.get $0
    local.get $2
    local.get $25
    i32.mul
    i32.add
    local.set $28
    local.get $11
    local.set $7
    loop $for-loop|22
     local.get $7
     local.get $12
     i32.lt_s
     if
      i32.const 8
      local.get $12
      local.get $7
      i32.sub
      local.tee $1
      local.get $1
      i32.const 8
      i32.gt_s
      select
      local.set $29
      local.get $13
      local.get $7
      local.get $11
      i32.sub
      local.get $20
      i32.mul
      i32.const 2
      i32.shl
      i32.add
      local.set $15
      local.get $9
      local.set $1
      loop $for-loop|33
       local.get $1
       i32.const 4
       i32.add
       local.tee $14
       local.get $10
       i32.le_s
       if
        local.get $28
        local.get $1
        local.get $24
        i32.mul
        i32.add
        local.get $24
        local.get $25
        local.get $15
        local.get $20
        local.get $6
        local.get $1
        local.get $22
        i32.mul
        i32.add
        local.get $7
        i32.const 2
        i32.shl
        i32.add
        local.get $22
        local.get $29
        local.get $23
        call $assembly/gemm/tile4
        local.get $14
        local.set $1
        br $for-loop|33
       end
      end
      loop $for-loop|4
       local.get $1
       local.get $10
       i32.lt_s
       if
        local.get $28
        local.get $1
        local.get $24
        i32.mul
        i32.add
        local.set $26
        local.get $15
        local.set $14
        local.get $6
        local.get $1
        local.get $22
        i32.mul
        i32.add
        local.get $7
        i32.const 2
        i32.shl
        i32.add
        local.set $18
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        local.set $17
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        local.set $16
        i32.const 0
        local.set $19
        i32.const 0
        local.set $21
        loop $for-loop|01
         local.get $19
         local.get $20
         i32.lt_s
         if
          local.get $17
          local.get $21
          local.get $26
          i32.add
          v128.load32_splat
          local.tee $27
          local.get $14
          v128.load
          f32x4.mul
          f32x4.add
          local.set $17
          local.get $16
          local.get $27
          local.get $14
          v128.load offset=16
          f32x4.mul
          f32x4.add
          local.set $16
          local.get $19
          i32.const 1
          i32.add
          local.set $19
          local.get $21
          local.get $25
          i32.add
          local.set $21
          local.get $14
          i32.const 32
          i32.add
          local.set $14
          br $for-loop|01
         end
        end
        local.get $29
        i32.const 8
        i32.eq
        if
         local.get $18
         local.get $23
         if (result v128)
          local.get $16
          local.get $18
          v128.load offset=16
          f32x4.add
          local.set $16
          local.get $17
          local.get $18
          v128.load
          f32x4.add
         else
          local.get $17
         end
         v128.store
         local.get $18
         local.get $16
         v128.store offset=16
        else
         local.get $23
         if
          local.get $17
          local.get $18
          v128.load
          f32x4.add
          local.set $17
         end
         block $assembly/gemm/storeLanes|inlined.8
          i32.const 4
          local.get $29
          local.get $29
          i32.const 4
          i32.ge_s
          select
          local.tee $14
          i32.const 4
          i32.ge_s
          if
           local.get $18
           local.get $17
           v128.store
           br $assembly/gemm/storeLanes|inlined.8
          end
          local.get $14
          i32.const 0
          i32.gt_s
          if
           local.get $18
           local.get $17
           f32x4.extract_lane 0
           f32.store
          end
          local.get $14
          i32.const 1
          i32.gt_s
          if
           local.get $18
           local.get $17
           f32x4.extract_lane 1
           f32.store offset=4
          end
          local.get $14
          i32.const 2
          i32.gt_s
          if
           local.get $18
           local.get $17
           f32x4.extract_lane 2
           f32.store offset=8
          end
         end
         local.get $29
         i32.const 4
         i32.gt_s
         if
          block $assembly/gemm/storeLanes|inlined.9
           local.get $23
           if
            local.get $16
            local.get $18
            v128.load offset=16
            f32x4.add
            local.set $16
           end
           local.get $29
           i32.const 4
           i32.sub
           local.tee $14
           i32.const 4
           i32.ge_s
           if
            local.get $18
            local.get $16
            v128.store offset=16
            br $assembly/gemm/storeLanes|inlined.9
           end
           local.get $14
           i32.const 0
           i32.gt_s
           if
            local.get $18
            local.get $16
            f32x4.extract_lane 0
            f32.store offset=16
           end
           local.get $14
           i32.const 1
           i32.gt_s
           if
            local.get $18
            local.get $16
            f32x4.extract_lane 1
            f32.store offset=20
           end
           local.get $14
           i32.const 2
           i32.gt_s
           if
            local.get $18
            local.get $16
            f32x4.extract_lane 2
            f32.store offset=24
           end
          end
         end
        end
        local.get $1
        i32.const 1
        i32.add
        local.set $1
        br $for-loop|4
       end
      end
      local.get $7
      i32.const 8
      i32.add
      local.set $7
      br $for-loop|22
     end
    end
    local.get $2
    i32.const 256
    i32.add
    local.set $2
    br $for-loop|1
   end
  end
 )
)
